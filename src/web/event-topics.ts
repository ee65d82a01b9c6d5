import type { StoreEvent } from "../store/store-events.js";

/**
 * Which pages an event concerns, as topics: a page listens to its own (the overview to
 * "overview", a service's page to "service:web@prod", a pipeline run's to "pipeline:12") and
 * refreshes its live part when one arrives. "*" concerns every page.
 */
export function topicsOf(event: StoreEvent): string[] {
  switch (event.kind) {
    case "deployment":
      return event.service === undefined || event.environment === undefined
        ? ["overview", "deployments"]
        : ["overview", "deployments", serviceTopic(event.service, event.environment)];
    case "pipeline":
      return ["pipelines", `pipeline:${event.id}`];
    case "job":
      return event.job === undefined ? ["jobs"] : ["jobs", `job:${event.job}`];
    case "build":
      return ["builds", `image:${event.image}`];
    case "held":
      return ["overview", "updates", serviceTopic(event.service, event.environment)];
    case "watch":
      return event.key.startsWith("auto-update:") ? ["overview", "updates"] : [];
    case "changed":
      return ["*"];
  }
}

export function serviceTopic(service: string, environment: string): string {
  return `service:${service}@${environment}`;
}

/** Whether a page listening to `listening` cares about an event of `topics`. */
export function concerns(listening: ReadonlySet<string>, topics: readonly string[]): boolean {
  return topics.some((topic) => topic === "*" || listening.has(topic));
}

/** A page's topics from its ?topics= list: at most 20, each a short printable word. */
export function parseTopics(text: string | undefined): Set<string> {
  const topics = (text ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => /^[A-Za-z0-9:@._-]{1,200}$/.test(t));
  return new Set(topics.slice(0, 20));
}
