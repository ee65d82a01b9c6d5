import type { FastifyInstance } from "fastify";
import type { EventHub } from "./event-hub.js";
import { concerns, parseTopics } from "./event-topics.js";

/** How often an idle stream sends a comment, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * GET /events?topics=a,b: Server-Sent Events for one open page. Each store event that concerns
 * one of its topics is sent as `event: refresh` with the event as its data; the page's live part
 * then fetches itself again (htmx's SSE extension). A closed page unsubscribes.
 */
export function registerLiveEvents(app: FastifyInstance, hub: EventHub): void {
  app.get<{ Querystring: { topics?: string } }>("/events", (request, reply) => {
    const topics = parseTopics(request.query.topics);
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    stream.write(": connected\n\n");
    const unsubscribe = hub.subscribe((eventTopics, event) => {
      if (concerns(topics, eventTopics)) stream.write(`event: refresh\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => stream.write(": idle\n\n"), HEARTBEAT_MS);
    heartbeat.unref();
    request.raw.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}
