import { connect, createServer, type Socket } from "node:net";

/**
 * A TCP proxy in front of a registry that counts what crosses it: connections, bytes each way
 * and HTTP/1.1 request lines. It runs as its own process (counting-proxy.ts forks it), so its
 * CPU time is not the measured process's. argv: <upstream host:port>. IPC: answers "stats"
 * with the counts so far; sends { kind: "ready", port } once listening.
 */
const [upstreamHost = "", upstreamPort = ""] = (process.argv[2] ?? "").split(":");
const counts = { connections: 0, bytesUp: 0, bytesDown: 0, requests: 0 };
const REQUEST_LINE = /^(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP\/1\.[01]$/;

const server = createServer((client) => {
  counts.connections += 1;
  const upstream = connect(Number(upstreamPort), upstreamHost);
  let pending = "";
  client.on("data", (chunk: Buffer) => {
    counts.bytesUp += chunk.length;
    const lines = (pending + chunk.toString("latin1")).split("\r\n");
    pending = (lines.pop() ?? "").slice(-8192);
    for (const line of lines) if (REQUEST_LINE.test(line)) counts.requests += 1;
    upstream.write(chunk);
  });
  upstream.on("data", (chunk: Buffer) => {
    counts.bytesDown += chunk.length;
    client.write(chunk);
  });
  const close = (socket: Socket) => () => socket.destroy();
  client.on("end", () => upstream.end());
  upstream.on("end", () => client.end());
  client.on("error", close(upstream));
  upstream.on("error", close(client));
  client.on("close", close(upstream));
  upstream.on("close", close(client));
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ kind: "ready", port: typeof address === "object" && address !== null ? address.port : 0 });
});
process.on("message", (message) => {
  if (message === "stats") process.send?.({ kind: "stats", ...counts });
});
process.on("disconnect", () => process.exit(0));
