import type { ParsedConfig } from "./config-schema.js";
import { suggestion } from "./did-you-mean.js";
import type { ConfigProblem } from "./issues.js";
import { looksLikeImageName } from "./names.js";
import { placementProblems } from "./placement.js";
import { matchesScheme, tagSchemes } from "../graph/tag-schemes.js";

/**
 * Checks what the schema cannot: that names used in one section are defined in another.
 * Each problem points at the value that names the missing thing.
 */
export function crossReferenceProblems(config: ParsedConfig): ConfigProblem[] {
  return [
    ...imageProblems(config),
    ...cycleProblems(config),
    ...serviceProblems(config),
    ...jobProblems(config),
    ...environmentProblems(config),
    ...placementProblems(config),
  ];
}

function imageProblems(config: ParsedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sources = Object.keys(config.sources);
  const images = Object.keys(config.images);
  for (const [name, image] of Object.entries(config.images)) {
    const at = ["images", name];
    if (image.context.kind === "source" && !sources.includes(image.context.source)) {
      problems.push(missing([...at, "context"], "source", image.context.source, sources));
    }
    for (const [mount, source] of Object.entries(image.seal ?? {})) {
      if (!sources.includes(source)) problems.push(missing([...at, "seal", mount], "source", source, sources));
    }
    const launchSource = image.launch?.mount?.source;
    if (launchSource !== undefined && !sources.includes(launchSource))
      problems.push(missing([...at, "launch", "mount", "source"], "source", launchSource, sources));
    if (image.from === name) problems.push({ path: [...at, "from"], anchor: "value", message: "an image cannot be built from itself" });
    else if (image.from !== undefined && looksLikeImageName(image.from) && !images.includes(image.from)) {
      problems.push({
        path: [...at, "from"],
        anchor: "value",
        message: `no image named "${image.from}" in images${suggestion(image.from, images)} (an external image needs its tag, e.g. ${image.from}:latest)`,
      });
    }
    if (!config.registry && image.repository === undefined) {
      problems.push({ path: at, anchor: "key", message: "no registry to push to: set registry: at the top, or repository: on this image" });
    }
  }
  return problems;
}

function cycleProblems(config: ParsedConfig): ConfigProblem[] {
  const parent = (name: string): string | undefined => {
    const from = config.images[name]?.from;
    return from !== undefined && from !== name && from in config.images ? from : undefined;
  };
  const reported = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const start of Object.keys(config.images)) {
    const chain: string[] = [];
    for (let name: string | undefined = start; name !== undefined && !reported.has(name); name = parent(name)) {
      const seen = chain.indexOf(name);
      if (seen >= 0) {
        const cycle = chain.slice(seen);
        for (const member of cycle) reported.add(member);
        problems.push({ path: ["images", name, "from"], anchor: "value", message: `images build on each other in a cycle: ${[...cycle, name].join(" -> ")}` });
        break;
      }
      chain.push(name);
    }
  }
  return problems;
}

function serviceProblems(config: ParsedConfig): ConfigProblem[] {
  const images = Object.keys(config.images);
  const problems: ConfigProblem[] = [];
  for (const [name, service] of Object.entries(config.services)) {
    const image: unknown = "image" in service ? service.image : undefined;
    if (typeof image !== "string" || !looksLikeImageName(image) || images.includes(image)) continue;
    problems.push({
      path: ["services", name, "image"],
      anchor: "value",
      message: `no image named "${image}" in images${suggestion(image, images)} (an external image needs its tag, e.g. ${image}:latest)`,
    });
  }
  return problems;
}

function jobProblems(config: ParsedConfig): ConfigProblem[] {
  const images = Object.keys(config.images);
  const environments = Object.keys(config.environments);
  const problems: ConfigProblem[] = [];
  for (const [name, job] of Object.entries(config.jobs)) {
    if (!images.includes(job.image)) problems.push(missing(["jobs", name, "image"], "image", job.image, images));
    if (job.environment !== undefined && !environments.includes(job.environment)) {
      problems.push(missing(["jobs", name, "environment"], "environment", job.environment, environments));
    }
  }
  return problems;
}

/** Each environment's builds are tagged with its name (src/images/environment-tag.ts): it must not read as a version. */
function environmentProblems(config: ParsedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(config.environments)) {
    const clash = tagSchemes.find((scheme) => matchesScheme(scheme, name)) ?? (name.startsWith("fp-") ? "fingerprint" : undefined);
    if (clash === undefined) continue;
    problems.push({
      path: ["environments", name],
      anchor: "key",
      message: `the environment name "${name}" reads as a ${clash} tag; each environment's builds are tagged with its name (my-org/app:${name}), so choose a name that is not an image version`,
    });
  }
  return problems;
}

function missing(path: ConfigProblem["path"], kind: string, name: string, defined: readonly string[]): ConfigProblem {
  const plural = kind === "source" ? "sources" : kind === "image" ? "images" : "environments";
  const known = defined.length === 0 ? `no ${plural} are defined` : `defined: ${defined.join(", ")}`;
  const hint = suggestion(name, defined);
  return { path, anchor: "value", message: `no ${kind} named "${name}" in ${plural}${hint || ` (${known})`}` };
}
