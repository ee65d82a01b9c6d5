import { createHash } from "node:crypto";
import * as z from "zod";
import type { Secret } from "../util/secret.js";
import { bodyDeliveryId, constantTimeEqual, header } from "./compare.js";
import { optionalText } from "./git-push.js";
import { imageHint } from "./image-hint.js";
import { readJson } from "./read-json.js";
import type { ImageHint, WebhookRequest, WebhookResult } from "./types.js";

/** The media type of the distribution registry's notification envelope. */
export const REGISTRY_EVENTS_MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";

const eventSchema = z.looseObject({
  id: optionalText,
  action: optionalText,
  target: z.looseObject({ mediaType: optionalText, repository: optionalText, tag: optionalText, digest: optionalText, url: optionalText }).catch({}),
  request: z.looseObject({ host: optionalText }).catch({}),
});

const envelopeSchema = z.looseObject({ events: z.array(z.unknown()) });

type RegistryEvent = z.output<typeof eventSchema>;

/**
 * The distribution registry's notifications (`notifications.endpoints` in its config): an
 * envelope of events, each with its own id; the registry re-sends the same envelope until it
 * gets a 2xx, so the delivery id is the events' ids. A manifest push gives a hint for
 * `request.host/target.repository` (the registry as the pusher addressed it) with its tag and
 * digest; layer pushes, pulls and deletes give none. The token comes in `Authorization:
 * Bearer <token>` or in a header of the user's choosing holding the token itself.
 */
export function verifyRegistry(request: WebhookRequest, config: { readonly token: Secret; readonly header: string }): WebhookResult {
  const name = config.header.toLowerCase();
  const given = header(request.headers, name);
  if (given === undefined) return { ok: false, status: 401, reason: `the ${config.header} header is missing (set it in notifications.endpoints[].headers)` };
  const expected = name === "authorization" ? `Bearer ${config.token.reveal()}` : config.token.reveal();
  const normalized = name === "authorization" ? given.replace(/^bearer\s+/i, "Bearer ") : given;
  if (!constantTimeEqual(normalized, expected)) return { ok: false, status: 401, reason: `the token in ${config.header} does not match the configured token` };
  const json = readJson(request.body, undefined);
  if (!json.ok) return json;
  const envelope = envelopeSchema.safeParse(json.value);
  if (!envelope.success) return { ok: false, status: 400, reason: "expected a notification envelope: a JSON object with an events list" };
  const events = envelope.data.events.map((event) => eventSchema.catch({ target: {}, request: {} }).parse(event));
  const { hints, notes } = readEvents(events);
  return { ok: true, provider: "registry", deliveryId: envelopeId(events, request.body), event: "push", hints, notes };
}

function readEvents(events: readonly RegistryEvent[]): { hints: ImageHint[]; notes: string[] } {
  const hints = new Map<string, ImageHint>();
  const notes: string[] = [];
  for (const event of events) {
    if (event.action !== "push" || !isManifest(event.target.mediaType)) continue;
    const host = event.request.host ?? hostOf(event.target.url);
    const repository = event.target.repository;
    if (host === undefined || repository === undefined) {
      notes.push(`event ${event.id ?? "(no id)"} names no registry host or repository`);
      continue;
    }
    const hint = imageHint(`${host}/${repository}`, event.target.tag, event.target.digest);
    if (typeof hint === "string") notes.push(hint);
    else if (!hints.has(`${hint.repository}:${hint.tag ?? ""}`)) hints.set(`${hint.repository}:${hint.tag ?? ""}`, hint);
  }
  return { hints: [...hints.values()], notes };
}

/** Layers and configs are blobs; a manifest or an index is what moves a tag. */
function isManifest(mediaType: string | undefined): boolean {
  if (mediaType === undefined) return false;
  return /manifest|image\.index/.test(mediaType) && !/layer|rootfs|config/.test(mediaType);
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

function envelopeId(events: readonly RegistryEvent[], body: Buffer): string {
  const ids = events.map((event) => event.id);
  if (ids.length === 0 || ids.some((id) => id === undefined)) return bodyDeliveryId(body);
  if (ids.length === 1) return ids[0] ?? bodyDeliveryId(body);
  return `events:${createHash("sha256").update(ids.join("\n")).digest("hex")}`;
}
