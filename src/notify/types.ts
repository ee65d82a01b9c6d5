import type { NotifyEvent } from "../config/notify-schema.js";

export type { NotifyEvent };

/** How the thing a notification is about ended (or what it found). */
export type NotifyOutcome = "succeeded" | "failed" | "rolled-back" | "available" | "started" | "cancelled" | "skipped" | "waiting";

/** One thing that happened, as the controller reports it; every notifier renders it its own way. */
export interface NotifyEventInput {
  readonly event: NotifyEvent;
  /** One line a person reads: "Deployed api 20240103T100000Z to prod". */
  readonly title: string;
  /** What it is about: a service, an image or a job name. */
  readonly subject: string;
  readonly environment?: string;
  readonly outcome: NotifyOutcome;
  /** Further facts (revision, digest, duration, error). Secret values print as [redacted]. */
  readonly detail?: Readonly<Record<string, unknown>>;
  /** Where to read more (a dashboard page, a log). */
  readonly url?: string;
  /** When it happened; default: when notify() was called. */
  readonly at?: Date;
}

/** The subset of a structured logger (pino, Fastify's app.log) the notifier and pollers write to. */
export interface NotifyLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** One HTTP request of one delivery attempt. */
export interface OutgoingRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What identifies one delivery: the same across its retries, except the timestamp (per attempt). */
export interface DeliveryStamp {
  /** A UUID, the same for every attempt of one delivery. */
  readonly id: string;
  /** Unix seconds when the attempt is sent. */
  readonly timestamp: number;
}

/** A configured place notifications go to. */
export interface NotifyTarget {
  /** The notifier family: "slack" or "webhook". */
  readonly kind: string;
  /** Safe to log: the family and host, never a secret ("slack (hooks.slack.com)"). */
  readonly label: string;
  /** The events it wants; undefined for all. */
  readonly events: readonly NotifyEvent[] | undefined;
  /** The request for one attempt of one delivery. */
  request(event: NotifyEventPayload, stamp: DeliveryStamp): OutgoingRequest;
}

/** The event as it is sent: every field filled in, the title on one line. */
export interface NotifyEventPayload {
  readonly event: NotifyEvent;
  readonly title: string;
  readonly subject: string;
  readonly environment?: string;
  readonly outcome: NotifyOutcome;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly url?: string;
  /** ISO 8601, UTC. */
  readonly at: string;
}
