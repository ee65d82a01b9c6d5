import type { Secret } from "../util/secret.js";
import { eventLines } from "./event-text.js";
import { hostOf } from "./safe-url.js";
import type { NotifyEvent, NotifyEventPayload, NotifyTarget } from "./types.js";

/**
 * The body of a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): `text`
 * only, the event's lines with &, < and > escaped as Slack asks.
 */
export function slackPayload(event: NotifyEventPayload): { text: string } {
  return { text: eventLines(event).map(escapeSlack).join("\n") };
}

function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A Slack-compatible incoming webhook; its URL is a secret, so only its host is ever shown. */
export function slackTarget(config: { slack: Secret; events?: readonly NotifyEvent[] | undefined }): NotifyTarget {
  return {
    kind: "slack",
    label: `slack (${hostOf(config.slack.reveal())})`,
    events: config.events,
    request(event) {
      return {
        url: config.slack.reveal(),
        headers: { "content-type": "application/json" },
        body: JSON.stringify(slackPayload(event)),
      };
    },
  };
}
