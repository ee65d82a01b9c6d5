import * as z from "zod";
import { formsError } from "./service-forms.js";

/** A port of a service: the container's port, and the host port it is published on. */
export interface ServicePort {
  /** The host port; absent: published on a free port the engine picks (compose's "80"). */
  readonly published?: number;
  /** The port inside the container. */
  readonly target: number;
  readonly protocol: "tcp" | "udp";
  /** The host address to publish on (127.0.0.1); all addresses when absent. */
  readonly hostIp?: string;
}

const SHORT_FORM = /^(?:(?:(\[[0-9a-fA-F:.]+\]|[0-9.]+):)?([^:]*):)?([^:/]+)(?:\/([a-z]+))?$/;
const RANGE_HINT = "port ranges are not supported: Slipway routes and health-checks each port on its own, so list each port";

type Issue = { readonly message: string };

/** Parses compose's short syntax: "80", "8080:80", "127.0.0.1:8080:80/udp", "[::1]:8080:80". */
export function parsePortText(text: string): ServicePort | Issue {
  const match = SHORT_FORM.exec(text.trim());
  if (!match) return { message: `"${text}" is not a port: write "8080:80", "127.0.0.1:8080:80/udp" or "80"` };
  const [, hostIp, publishedText, targetText, protocolText] = match;
  if (`${publishedText ?? ""}${targetText ?? ""}`.includes("-")) return { message: `"${text}": ${RANGE_HINT}` };
  const target = portNumber(targetText ?? "");
  if (target === undefined) return { message: `"${text}": the container port "${targetText}" is not a port number (1-65535)` };
  const protocol = protocolText ?? "tcp";
  if (protocol !== "tcp" && protocol !== "udp") return { message: `"${text}": the protocol must be tcp or udp, not "${protocol}"` };
  const port: { published?: number; target: number; protocol: "tcp" | "udp"; hostIp?: string } = { target, protocol };
  if (hostIp !== undefined) port.hostIp = hostIp.replace(/^\[|\]$/g, "");
  if (publishedText !== undefined && publishedText !== "") {
    const published = portNumber(publishedText);
    if (published === undefined) return { message: `"${text}": the host port "${publishedText}" is not a port number (1-65535)` };
    port.published = published;
  }
  return port;
}

function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= 65535 ? value : undefined;
}

const portNumberSchema = z.number().int().min(1).max(65535);

const publishedSchema = z
  .union([portNumberSchema, z.string().regex(/^\d{1,5}$/, "expected a port number; " + RANGE_HINT)], { error: formsError("expected a port number (1-65535)") })
  .transform((value, ctx) => {
    const port = typeof value === "number" ? value : portNumber(value);
    if (port === undefined) ctx.addIssue({ code: "custom", message: `${value} is not a port number (1-65535)`, input: value, continue: true });
    return port ?? 0;
  });

const longFormSchema = z
  .strictObject({
    target: portNumberSchema.describe("The port inside the container."),
    published: publishedSchema.optional().describe("The host port; omit it to let the engine pick a free one."),
    protocol: z.enum(["tcp", "udp"]).default("tcp").describe("tcp (default) or udp."),
    host_ip: z.string().min(1).optional().describe("The host address to publish on, e.g. 127.0.0.1; all addresses when omitted."),
  })
  .transform((value): ServicePort => {
    const port: { published?: number; target: number; protocol: "tcp" | "udp"; hostIp?: string } = { target: value.target, protocol: value.protocol };
    if (value.published !== undefined) port.published = value.published;
    if (value.host_ip !== undefined) port.hostIp = value.host_ip;
    return port;
  });

const shortFormSchema = z.union([z.string(), portNumberSchema]).transform((value, ctx): ServicePort => {
  const parsed = parsePortText(String(value));
  if ("message" in parsed) {
    ctx.addIssue({ code: "custom", message: parsed.message, input: value, continue: true });
    return { target: 0, protocol: "tcp" };
  }
  return parsed;
});

export const portSchema = z
  .union([shortFormSchema, longFormSchema], {
    error: formsError('expected a port: "8080:80", "127.0.0.1:8080:80/udp", "80", or {target, published, protocol, host_ip}'),
  })
  .describe('A port: "HOST:CONTAINER[/udp]", "IP:HOST:CONTAINER", "CONTAINER", or {target, published, protocol, host_ip}.');

export const portsSchema = z
  .array(portSchema)
  .describe(
    "Ports of the container. A port without a host port is published on a free one the engine picks. " +
      "blue-green and rolling updates route through the proxy: each port needs a host port (published), or list none.",
  );
