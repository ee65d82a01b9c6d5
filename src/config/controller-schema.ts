import * as z from "zod";
import { Secret } from "../util/secret.js";
import { bytesSchema, durationAtLeast } from "./units.js";

/** Where `slipway serve` listens: a host (name, IPv4, or [IPv6]) and a port. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const LISTEN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function parseListen(text: string): ListenAddress | undefined {
  const match = LISTEN.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65_535) return undefined;
  return { host: (match[1] ?? "").replace(/^\[(.*)\]$/, "$1"), port };
}

const listenSchema = z
  .string()
  .refine((text) => parseListen(text) !== undefined, "expected host:port, e.g. 127.0.0.1:8420, 0.0.0.0:8420 or [::1]:8420")
  .transform((text) => parseListen(text) ?? { host: "127.0.0.1", port: 8420 });

function secretSchema(what: string) {
  return z
    .string({ error: `expected ${what} as text` })
    .min(1, `expected ${what}, e.g. \${VARIABLE}`)
    .transform((value) => new Secret(value));
}

const githubSchema = z
  .strictObject({
    secret: secretSchema("the webhook secret").describe(
      "The secret set on the GitHub webhook; GitHub signs each body with it (X-Hub-Signature-256). Write it as ${VARIABLE}.",
    ),
  })
  .describe("Accept GitHub push webhooks at POST /hooks/github.");

const gitlabSchema = z
  .strictObject({
    token: secretSchema("the secret token").describe("The webhook's secret token; GitLab sends it as X-Gitlab-Token. Write it as ${VARIABLE}."),
  })
  .describe("Accept GitLab push webhooks at POST /hooks/gitlab.");

const giteaSchema = z
  .strictObject({
    secret: secretSchema("the webhook secret").describe(
      "The secret set on the Gitea or Forgejo webhook; it signs each body (X-Gitea-Signature, X-Forgejo-Signature). Write it as ${VARIABLE}.",
    ),
  })
  .describe("Accept Gitea and Forgejo push webhooks at POST /hooks/gitea.");

const genericSchema = z
  .strictObject({
    secret: secretSchema("the signing secret").describe(
      "Signs each body: X-Slipway-Signature is sha256=<hex HMAC-SHA256 of the body>. Write it as ${VARIABLE}.",
    ),
  })
  .describe("Accept Slipway's own signed webhook at POST /hooks/generic (for CI systems and scripts).");

const registryHookSchema = z
  .strictObject({
    token: secretSchema("the token").describe(
      "The token the registry sends with each notification (notifications.endpoints[].headers). Write it as ${VARIABLE}.",
    ),
    header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "expected an HTTP header name, e.g. Authorization or X-Registry-Token")
      .default("Authorization")
      .describe("The header that carries the token: Authorization (as `Bearer <token>`, the default) or another header holding the token itself."),
  })
  .describe("Accept the distribution registry's notifications at POST /hooks/registry.");

const dockerhubSchema = z
  .strictObject({
    path_secret: z
      .string({ error: "expected the path secret as text" })
      .regex(/^[A-Za-z0-9._~-]{16,100}$/, "expected 16 to 100 URL-safe characters (letters, digits, . _ ~ -), e.g. from `openssl rand -hex 24`")
      .transform((value) => new Secret(value))
      .describe(
        "The secret part of the URL given to Docker Hub, POST /hooks/dockerhub/<path_secret> (Docker Hub signs nothing). 16 to 100 URL-safe characters; write it as ${VARIABLE}.",
      ),
  })
  .describe("Accept Docker Hub repository webhooks at POST /hooks/dockerhub/<path_secret>.");

export const webhooksSchema = z
  .strictObject({
    github: githubSchema.optional(),
    gitlab: gitlabSchema.optional(),
    gitea: giteaSchema.optional(),
    generic: genericSchema.optional(),
    registry: registryHookSchema.optional(),
    dockerhub: dockerhubSchema.optional(),
  })
  .describe("Which webhooks the controller accepts, each with its secret. A provider left out answers 404.");

const dashboardSchema = z
  .strictObject({
    listen: listenSchema
      .prefault("127.0.0.1:8421")
      .describe("Where the dashboard listens, as host:port: a port of its own, apart from the API and webhooks. Default: 127.0.0.1:8421."),
    session: durationAtLeast("1m", "a shorter session signs people out while they read")
      .prefault("12h")
      .describe("How long a dashboard sign-in lasts before the token must be given again. Default: 12h."),
  })
  .describe("Where the web dashboard listens and how long a sign-in lasts.");

/** controller: how `slipway serve` listens, which webhooks it accepts, how it polls. */
export const controllerSchema = z
  .strictObject({
    listen: listenSchema.prefault("127.0.0.1:8420").describe("Where the controller's HTTP server listens, as host:port. Default: 127.0.0.1:8420."),
    url: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(?:\/\S*)?$/, "expected an http:// or https:// URL")
      .transform((url) => url.replace(/\/+$/, ""))
      .optional()
      .describe("The controller's public base URL as webhooks reach it (e.g. https://slipway.example.com), for links and setup hints."),
    dashboard: z
      .union([z.literal(false), dashboardSchema])
      .prefault({})
      .describe(
        "The web dashboard `slipway serve` serves on a port of its own (docs/dashboard.md): its address and sessions, or false for none. Default: on, at 127.0.0.1:8421.",
      ),
    webhooks: webhooksSchema.default({}),
    max_body: bytesSchema.prefault("1m").describe("The largest webhook body accepted; a larger one is refused with 413. Default: 1m."),
    recheck: durationAtLeast("1m", "every re-check reads every source and tag")
      .prefault("24h")
      .describe("How often every watched source and image tag is re-checked in full, whatever webhooks said. Default: 24h."),
    reconcile: durationAtLeast("1s", "each pass inspects every replica and route")
      .prefault("30s")
      .describe(
        "How often the reconcile loop compares every service's current revision with what runs, besides on engine events (a replica restarted, stopped or gone), and repairs drift: a route to an old address, a missing or exited replica, a leftover container. Default: 30s.",
      ),
    lease: durationAtLeast("1s", "the leader renews its lease three times in each")
      .prefault("15s")
      .describe(
        "How long a leader's lease runs when several controllers share a PostgreSQL store (docs/ha.md): the leader renews it every third of it, and when the leader dies another controller takes over within it. Default: 15s.",
      ),
    watch_interval: durationAtLeast("1s", "each check asks the registry once per watched tag")
      .prefault("5m")
      .describe(
        "How often the tags of auto-updated services (update.auto) and of containers labelled dev.slipway.auto-update are checked in their registries. Default: 5m.",
      ),
    scope: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "expected a name of 1 to 63 letters, digits, . _ or - (starting with a letter or digit), e.g. shop")
      .optional()
      .describe(
        "Which labelled containers (dev.slipway.auto-update) this controller watches: only those labelled dev.slipway.scope=<scope>. Without it, only containers with no dev.slipway.scope label. So several controllers on one engine never act on one container. On a shared PostgreSQL store, controllers of one scope elect one leader among them (docs/ha.md).",
      ),
    poll_jitter: z
      .number()
      .min(0, "expected a fraction from 0 to 1")
      .max(1, "expected a fraction from 0 to 1")
      .default(0.1)
      .describe("How much poll intervals vary at random, as a fraction of the interval (0.1 = up to 10%), so polls do not bunch up. Default: 0.1."),
  })
  .describe("The controller (`slipway serve`): where it listens, which webhooks it accepts, how it re-checks.");

export type ControllerConfig = z.output<typeof controllerSchema>;
export type DashboardConfig = z.output<typeof dashboardSchema>;
export type WebhooksConfig = z.output<typeof webhooksSchema>;
export type WebhookProviderId = keyof WebhooksConfig;
