import type { NotifyConfig } from "../config/notify-schema.js";
import { slackTarget } from "./slack.js";
import type { NotifyTarget } from "./types.js";
import { webhookTarget } from "./webhook.js";

/** Every notifier family Slipway has, by the key that names it in `notify:`. */
export function targetFor(config: NotifyConfig): NotifyTarget {
  if ("slack" in config) return slackTarget(config);
  return webhookTarget(config);
}
