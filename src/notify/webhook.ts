import type { Secret } from "../util/secret.js";
import { originAndPath } from "./safe-url.js";
import { signWebhook } from "./signature.js";
import type { NotifyEvent, NotifyTarget } from "./types.js";

export const WEBHOOK_HEADERS = {
  event: "x-slipway-event",
  delivery: "x-slipway-delivery",
  timestamp: "x-slipway-timestamp",
  signature: "x-slipway-signature",
} as const;

/**
 * A generic JSON webhook: the event as the body, with X-Slipway-Event, X-Slipway-Delivery
 * (one UUID per delivery, kept across retries), X-Slipway-Timestamp (Unix seconds, per
 * attempt) and, with a secret, X-Slipway-Signature over "<timestamp>.<body>".
 */
export function webhookTarget(config: { webhook: string; secret?: Secret | undefined; events?: readonly NotifyEvent[] | undefined }): NotifyTarget {
  return {
    kind: "webhook",
    label: `webhook (${originAndPath(config.webhook)})`,
    events: config.events,
    request(event, stamp) {
      const body = JSON.stringify(event);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "slipway-notify",
        [WEBHOOK_HEADERS.event]: event.event,
        [WEBHOOK_HEADERS.delivery]: stamp.id,
        [WEBHOOK_HEADERS.timestamp]: String(stamp.timestamp),
      };
      if (config.secret !== undefined) headers[WEBHOOK_HEADERS.signature] = signWebhook(config.secret.reveal(), stamp.timestamp, body);
      return { url: config.webhook, headers, body };
    },
  };
}
