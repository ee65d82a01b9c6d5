import { connect } from "node:net";
import { formatMs, type ProbeResult } from "./health-state.js";
import { formatAddress, type HostAddress } from "./published-address.js";

export interface ProbeLimits {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Docker's userland proxy accepts a connection on the published port even when nothing
 * listens in the container, and closes it a few milliseconds later. A connection that
 * stays open (or sends data) this long is a real listener.
 */
const TCP_SETTLE_MS = 150;

/** GET the path; healthy on `status`, or on any 2xx/3xx when none is given. Redirects are not followed. */
export async function httpProbe(address: HostAddress, check: { readonly path: string; readonly status?: number }, limits: ProbeLimits): Promise<ProbeResult> {
  const url = `http://${formatAddress(address)}${check.path}`;
  try {
    const response = await fetch(url, { signal: withTimeout(limits), redirect: "manual", headers: { "user-agent": "slipway-health-check" } });
    await response.body?.cancel().catch(() => undefined);
    const healthy = check.status === undefined ? response.status >= 200 && response.status < 400 : response.status === check.status;
    const expected = healthy ? "" : ` (expected ${check.status ?? "2xx or 3xx"})`;
    return { healthy, detail: `HTTP ${response.status} from GET ${url}${expected}` };
  } catch (error) {
    if (limits.signal?.aborted) throw limits.signal.reason;
    return failure(error, url, limits.timeoutMs);
  }
}

/** Connects; healthy when the connection is accepted and not closed again at once. */
export async function tcpProbe(address: HostAddress, limits: ProbeLimits): Promise<ProbeResult> {
  const where = formatAddress(address);
  try {
    const closedAtOnce = await connectAndSettle(address, withTimeout(limits));
    if (closedAtOnce) {
      return { healthy: false, detail: `${where} accepted the connection and closed it at once: nothing listens on the port inside the container` };
    }
    return { healthy: true, detail: `TCP connection to ${where} accepted` };
  } catch (error) {
    if (limits.signal?.aborted) throw limits.signal.reason;
    return failure(error, where, limits.timeoutMs);
  }
}

/** Resolves true when the peer closes within the settle time without sending anything. */
function connectAndSettle(address: HostAddress, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port, signal });
    let settle: NodeJS.Timeout | undefined;
    const finish = (closedAtOnce: boolean): void => {
      clearTimeout(settle);
      socket.destroy();
      resolve(closedAtOnce);
    };
    socket.once("connect", () => {
      settle = setTimeout(() => finish(false), TCP_SETTLE_MS);
    });
    socket.once("data", () => finish(false));
    socket.once("end", () => finish(true));
    socket.once("error", (error) => {
      clearTimeout(settle);
      socket.destroy();
      reject(error);
    });
  });
}

function withTimeout(limits: ProbeLimits): AbortSignal {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  return limits.signal === undefined ? timeout : AbortSignal.any([limits.signal, timeout]);
}

function failure(error: unknown, where: string, timeoutMs: number): ProbeResult {
  if (isTimeout(error)) return { healthy: false, detail: `no answer from ${where} in ${formatMs(timeoutMs)}`, timedOut: { afterMs: timeoutMs } };
  return { healthy: false, detail: describeFailure(error, where) };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

function describeFailure(error: unknown, where: string): string {
  const code = errorCode(error) ?? errorCode(error instanceof Error ? error.cause : undefined);
  if (code === "ECONNREFUSED") return `connection refused at ${where}`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") {
    return `${where} closed the connection before answering: nothing listens on the port inside the container, or the app is not ready`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${where}: ${error instanceof Error ? error.message : String(error)}${cause}`;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}
