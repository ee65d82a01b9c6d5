export { createNotifier, type Notifier, type NotifierOptions } from "./notifier.js";
export type { NotifyEvent, NotifyEventInput, NotifyEventPayload, NotifyLog, NotifyOutcome, NotifyTarget, OutgoingRequest, DeliveryStamp } from "./types.js";
export { eventPayload } from "./event-payload.js";
export { eventLines, detailFacts } from "./event-text.js";
export { slackPayload, slackTarget } from "./slack.js";
export { webhookTarget, WEBHOOK_HEADERS } from "./webhook.js";
export { signWebhook, verifyWebhookSignature, DEFAULT_SIGNATURE_TOLERANCE_S } from "./signature.js";
export { isRetryable, retryDelayMs, type AttemptResult, type RetryTiming } from "./retry-delay.js";
export { targetFor } from "./targets.js";
