// A second Slipway process changing routes, for the concurrent-writers test.
// usage: node route-writer.js '<json WriterArgs>'. Prints one JSON line: the failures it saw.
import { connectProxy } from "../../../src/proxy/index.js";

export interface WriterArgs {
  readonly adminUrl: string;
  readonly routes: readonly { readonly id: string; readonly port: number }[];
  readonly upstreams: readonly string[];
  readonly rounds: number;
}

async function main(): Promise<string[]> {
  const args = JSON.parse(process.argv[2] ?? "") as WriterArgs;
  const proxy = await connectProxy(args.adminUrl);
  const failures: string[] = [];
  for (let round = 0; round < args.rounds; round += 1) {
    const upstream = args.upstreams[round % args.upstreams.length] ?? "";
    // All routes at once, as one controller deploying several services does.
    const results = await Promise.allSettled(
      args.routes.map((route) => proxy.setRoute({ id: route.id, listen: { host: "127.0.0.1", port: route.port }, upstreams: [upstream] })),
    );
    for (const result of results) if (result.status === "rejected") failures.push(String((result.reason as Error).message));
  }
  return failures;
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
