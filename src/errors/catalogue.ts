/**
 * Every error Slipway can report, with a stable code and who must act on it:
 * - user:     the person running Slipway can fix it (exit 2, no stack trace);
 * - upstream: a remote system failed or refused for now; retry later (exit 3);
 * - bug:      Slipway itself is wrong (exit 70, stack trace with --debug).
 * docs/errors.md documents each code; a test fails when one is missing there.
 */
export type Who = "user" | "upstream" | "bug";

interface CatalogueEntry {
  readonly who: Who;
  readonly summary: string;
}

export const errorCatalogue = {
  USAGE: { who: "user", summary: "The command line is not valid: an unknown option, a missing argument." },
  CONFIG_NOT_FOUND: { who: "user", summary: "The config file (slipway.yml) does not exist or cannot be read." },
  CONFIG_SYNTAX: { who: "user", summary: "The config file is not well-formed YAML." },
  CONFIG_INVALID: { who: "user", summary: "The config file is YAML but does not match the schema: unknown keys, wrong types, missing values." },
  CONFIG_VARIABLE: { who: "user", summary: "A ${VAR} in the config names a variable that is not set and has no default." },
  CONFIG_EXISTS: { who: "user", summary: "`slipway init` would overwrite an existing config file." },
  REFERENCE_INVALID: { who: "user", summary: "An image reference, name, tag or digest does not follow the distribution reference grammar." },
  ENGINE_UNREACHABLE: { who: "user", summary: "The Docker engine socket does not answer: the engine is not running or DOCKER_HOST is wrong." },
  ENGINE_FAILED: { who: "upstream", summary: "The Docker engine refused or failed a request." },
  IMAGE_NOT_FOUND: { who: "user", summary: "An image does not exist locally or in its registry." },
  DOCKERFILE_NOT_FOUND: { who: "user", summary: "An image's Dockerfile does not exist in its build context at the planned commit." },
  BUILD_FAILED: { who: "user", summary: "An image build failed: a Dockerfile step returned an error." },
  TEST_FAILED: { who: "user", summary: "An image's test failed inside the built image; nothing below it was built or pushed." },
  CONTAINER_NOT_FOUND: { who: "user", summary: "A container does not exist." },
  REGISTRY_UNREACHABLE: { who: "upstream", summary: "The registry does not answer at its address." },
  REGISTRY_AUTH: { who: "user", summary: "The registry refused the credentials, or needs credentials that are not configured." },
  REGISTRY_NOT_FOUND: { who: "user", summary: "The registry has no such repository, tag or manifest." },
  REGISTRY_RATE_LIMITED: { who: "upstream", summary: "The registry asked Slipway to slow down (HTTP 429); retry after the time it gave." },
  REGISTRY_FAILED: { who: "upstream", summary: "The registry answered with an unexpected error." },
  GIT_REMOTE_INVALID: { who: "user", summary: "A git remote is not an ssh, https or file remote, or is malformed." },
  GIT_REMOTE_UNREACHABLE: { who: "user", summary: "A git remote cannot be read: it does not exist, or access is denied." },
  GIT_BRANCH_NOT_FOUND: { who: "user", summary: "A git branch or commit does not exist in its remote." },
  GIT_FAILED: { who: "upstream", summary: "A git command failed unexpectedly." },
  GIT_BRANCH_INVALID: { who: "user", summary: "A branch name is not a valid git branch name (git check-ref-format rules)." },
  GIT_PATH_NOT_FOUND: { who: "user", summary: "A path does not exist in a git source at the commit used." },
  STORE_FAILED: { who: "user", summary: "The state store cannot be opened or written (check the state directory and its permissions)." },
  STORE_UNREACHABLE: {
    who: "upstream",
    summary: "The PostgreSQL store does not answer, refuses the URL's user and password, or has no such database.",
  },
  LEADERSHIP_LOST: {
    who: "upstream",
    summary: "A controller that no longer leads (its lease ran out, or another took over) tried a leader-only write; it was refused.",
  },
  SECRET_KEY_INVALID: {
    who: "user",
    summary: "The key that encrypts secrets at rest cannot be used: a key file others may read, or a SLIPWAY_SECRET_KEY that is not 32 bytes.",
  },
  SECRET_KEY_MISMATCH: { who: "user", summary: "An encrypted record cannot be decrypted: its key is missing, or another key is in use." },
  PROXY_UNREACHABLE: { who: "user", summary: "The reverse proxy (Caddy) admin API does not answer at its address: the proxy is not running." },
  PROXY_FAILED: { who: "user", summary: "The reverse proxy (Caddy) refused a route or config change, e.g. the port is already in use." },
  SERVICE_SPEC_INVALID: {
    who: "user",
    summary: "A service's spec cannot be deployed as written (Slipway could not reproduce it faithfully); nothing was stopped.",
  },
  REVISION_INVALID: {
    who: "user",
    summary: "A stored revision's spec does not pass the checks a deployment makes, so it is not deployed again (rollback, resume, reconcile).",
  },
  DEPLOY_LOCKED: { who: "user", summary: "Another deployment of the same service and environment is running." },
  HELD_NOT_FOUND: { who: "user", summary: "There is no held deploy with that id (slipway queue lists them)." },
  HELD_NOT_WAITING: { who: "user", summary: "The held deploy is no longer waiting: it ran, or was rejected, expired, superseded or cancelled." },
  APPROVAL_REFUSED: { who: "user", summary: "An approval that cannot count: the requester's own, or one for a deploy that needs none." },
  DEPLOY_FAILED: {
    who: "user",
    summary: "A deployment did not complete: the new revision was not healthy by its deadline, exited, or its image is missing; the old revision kept serving.",
  },
  REVISION_NOT_FOUND: { who: "user", summary: "The service has no such revision (or no earlier revision to roll back to)." },
  HEALTH_CHECK_INVALID: {
    who: "user",
    summary:
      "A health check cannot run as configured: a timing or port out of range, an empty command, a port the container does not publish, or a docker check on a container without a HEALTHCHECK.",
  },
  CHECKS_FAILED: { who: "user", summary: "`slipway doctor` found something that does not answer; each failed check says what to do." },
  TOKEN_EXISTS: { who: "user", summary: "An API token with that name already exists." },
  API_UNAUTHORIZED: { who: "user", summary: "The controller refused the request: no bearer token, or one that is unknown or revoked." },
  API_FORBIDDEN: { who: "user", summary: "The controller refused the request: the token is read-only and the request would act (not a GET or HEAD)." },
  CONTROLLER_UNREACHABLE: { who: "user", summary: "SLIPWAY_URL is set but no Slipway controller answers there." },
  JOB_NOT_FOUND: { who: "user", summary: "slipway.yml declares no job by that name." },
  JOB_LOG_FAILED: { who: "user", summary: "A job's log file cannot be opened or written (check the log directory, its permissions and free space)." },
  LAUNCH_INVALID: {
    who: "user",
    summary: "`slipway run` cannot launch the image as asked: no dev mount configured, no local checkout to mount, or an unreadable env file.",
  },
  API_BAD_REQUEST: { who: "user", summary: "A request to the controller's HTTP API has a body or query that does not match the route's schema." },
  SERVICE_NOT_FOUND: { who: "user", summary: "slipway.yml declares no service by that name." },
  SOURCE_NOT_FOUND: { who: "user", summary: "slipway.yml declares no source by that name." },
  PIPELINE_NOT_FOUND: { who: "user", summary: "The store has no pipeline run with that id." },
  CONTROLLER_STOPPING: { who: "upstream", summary: "The controller is shutting down and takes no new work; retry when it is back." },
  LISTEN_FAILED: { who: "user", summary: "`slipway serve` cannot listen on its address: the port is in use or the address is not on this host." },
  INTERNAL: { who: "bug", summary: "Slipway hit a bug. Run again with --debug and report the output." },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

export const exitCodes = { ok: 0, user: 2, upstream: 3, bug: 70 } as const satisfies Record<"ok" | Who, number>;
