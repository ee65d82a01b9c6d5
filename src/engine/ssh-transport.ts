import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { Agent } from "node:http";
import { Socket } from "node:net";
import { Duplex } from "node:stream";

/** The ssh connection's settings: the engine's host, and where ssh reads its own config. */
export interface SshTarget {
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  /** An ssh_config file (`ssh -F`); SLIPWAY_SSH_CONFIG, else ssh's own ~/.ssh/config. */
  readonly configFile?: string;
}

/**
 * Docker's ssh transport, as the docker CLI does it: each connection is `ssh HOST docker system
 * dial-stdio`, whose stdin and stdout carry the engine's HTTP API. ssh is the user's own, so
 * ~/.ssh/config, known_hosts, keys and ssh-agent all apply; BatchMode means a missing key
 * fails at once instead of asking for a password nobody can type.
 */
export function sshAgent(target: SshTarget): Agent {
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 2 });
  // Node's Agent accepts a synchronous socket from createConnection.
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => new SshSocket(spawnSsh(target));
  return agent;
}

export function sshArguments(target: SshTarget): string[] {
  return [
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=10",
    ...(target.configFile === undefined ? [] : ["-F", target.configFile]),
    ...(target.port === undefined ? [] : ["-p", String(target.port)]),
    ...(target.user === undefined ? [] : ["-l", target.user]),
    "--",
    target.host,
    "docker",
    "system",
    "dial-stdio",
  ];
}

function spawnSsh(target: SshTarget): ChildProcessWithoutNullStreams {
  return spawn("ssh", sshArguments(target), { stdio: ["pipe", "pipe", "pipe"] });
}

/** A socket for Node's http client made of an ssh process's stdout (read) and stdin (write). */
class SshSocket extends Duplex {
  private stderr = "";
  private received = false;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    super();
    child.stdout.on("data", (chunk: Buffer) => {
      this.received = true;
      if (!this.push(chunk)) child.stdout.pause();
    });
    // The end of output is read once ssh has exited: a failed connection is an error, not an empty answer.
    child.stderr.on("data", (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString("utf8")).slice(-2000)));
    child.stdin.on("error", () => undefined);
    child.on("error", (error) => this.destroy(error));
    child.on("close", (code) => {
      if (code !== 0 && !this.received) return this.destroy(sshFailure(code, this.stderr));
      // ssh gone (the engine or the host died mid-answer): the reader gets what came, then the
      // socket closes. Ending the readable side alone never closes a Duplex whose writable side
      // is still open, and Node's http client would wait for that close forever.
      this.once("end", () => this.destroy());
      this.push(null);
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // ssh may exit (unreachable host, refused key) before it reads what is written: that is
    // reported once it has closed, with its own words, never as this write's EPIPE.
    this.child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.child.exitCode === null) this.child.kill();
    callback(error);
  }

  // What Node's http client calls on a socket; a pipe pair has no such settings.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    this.child.ref();
    for (const pipe of this.pipes()) pipe.ref();
    return this;
  }
  unref(): this {
    this.child.unref();
    for (const pipe of this.pipes()) pipe.unref();
    return this;
  }

  /** A child's stdio pipes are sockets; unreferenced, an idle connection does not keep Node running. */
  private pipes(): Socket[] {
    return [this.child.stdin, this.child.stdout, this.child.stderr].filter((pipe): pipe is Socket & typeof pipe => pipe instanceof Socket);
  }
}

/** ssh's own last words (permission denied, host unreachable...), as a connection failure. */
function sshFailure(code: number | null, stderr: string): Error {
  const words = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("Warning: Permanently added"));
  const error = new Error(`ssh exited with ${code ?? "a signal"}${words.length === 0 ? "" : `: ${words.slice(-2).join("; ")}`}`);
  return Object.assign(error, { code: "ESSH" });
}
