import * as z from "zod";
import { Secret } from "../util/secret.js";

export const notifyEvents = ["build", "deploy", "rollback", "job-failure", "update-available", "held"] as const;
export type NotifyEvent = (typeof notifyEvents)[number];

const eventsSchema = z
  .array(z.enum(notifyEvents))
  .optional()
  .describe(`Which events to send: ${notifyEvents.join(", ")}. Default: all.`);

const urlSchema = z.string().regex(/^https?:\/\/\S+$/, "expected an http:// or https:// URL");

const slackSchema = z
  .strictObject({
    slack: urlSchema.transform((url) => new Secret(url)).describe("A Slack incoming-webhook URL; write it as ${VARIABLE}."),
    events: eventsSchema,
  })
  .describe("Post to a Slack channel.");

const webhookSchema = z
  .strictObject({
    webhook: urlSchema.describe("A URL that receives each event as a JSON POST."),
    secret: z
      .string()
      .min(1)
      .transform((value) => new Secret(value))
      .optional()
      .describe("Signs each body with HMAC-SHA256 in the X-Slipway-Signature header."),
    events: eventsSchema,
  })
  .describe("POST events as JSON to a URL.");

export const notifySchema = z
  .union([slackSchema, webhookSchema], { error: "expected a mapping with slack: or webhook:" })
  .describe("A place to send notifications to.");

export type NotifyConfig = z.output<typeof notifySchema>;
