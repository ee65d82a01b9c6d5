import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got, as its raw bytes arrived. */
export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

/** What to answer the n-th request (0-based): a status (with headers), or never to answer. */
export type Answer = { readonly status: number; readonly headers?: Readonly<Record<string, string>> } | "hang";

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Resolves when `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP server on a loopback port that records every request and answers as told. */
export async function startReceiver(answer: (index: number) => Answer = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const index = received.length;
      received.push({ path: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      for (const waiter of waiting.filter((w) => received.length >= w.count)) waiter.resolve();
      const reply = answer(index);
      if (reply === "hang") {
        hanging.push(response);
        return;
      }
      response.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
      response.end(reply.status < 300 ? "ok" : `status ${reply.status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiting.push({ count, resolve }));
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
