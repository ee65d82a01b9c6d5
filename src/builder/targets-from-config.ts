import { isAbsolute, resolve } from "node:path";
import type { Config } from "../config/index.js";
import { SlipwayError } from "../errors/index.js";
import type { BuildTarget } from "./targets.js";

/**
 * The build graph's targets from slipway.yml: each image's repository spelled out
 * (<registry>/<name> unless `repository:` says otherwise), local contexts made absolute.
 * Checks that push nothing (the Dockerfile check of `slipway validate`) pass
 * `requireRepository: false`: an image with nowhere to push then has the repository "".
 */
export function targetsFromConfig(config: Config, configDir: string, options: { readonly requireRepository?: boolean } = {}): Map<string, BuildTarget> {
  const targets = new Map<string, BuildTarget>();
  for (const [name, image] of Object.entries(config.images)) {
    const repository =
      image.repository ?? (config.registry === undefined ? (options.requireRepository === false ? "" : undefined) : `${config.registry.address}/${name}`);
    if (repository === undefined) {
      throw new SlipwayError("CONFIG_INVALID", `image ${name} has no repository to push to: slipway.yml sets no registry`, {
        hint: "add `registry: localhost:5000/my-org` (or your registry) to slipway.yml, or give the image a `repository:`",
      });
    }
    const context: BuildTarget["context"] =
      image.context.kind === "source"
        ? { kind: "source", source: image.context.source, path: image.context.path }
        : { kind: "local", dir: isAbsolute(image.context.dir) ? image.context.dir : resolve(configDir, image.context.dir) };
    targets.set(name, {
      name,
      repository,
      context,
      dockerfile: image.dockerfile,
      ...(image.from === undefined ? {} : { from: image.from }),
      ...(image.parent_arg === undefined ? {} : { parentArg: image.parent_arg }),
      seal: image.seal ?? {},
      args: image.args ?? {},
      labels: image.labels ?? {},
      tests: (image.tests ?? []).map((t) => ({
        name: t.name,
        command: t.command,
        ...(t.env === undefined ? {} : { env: t.env }),
        ...(t.timeout === undefined ? {} : { timeoutMs: t.timeout }),
      })),
      tagScheme: image.tag,
    });
  }
  return targets;
}
