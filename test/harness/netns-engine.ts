import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, connect, type Socket } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Test hosts: each a real dockerd in its own network namespace, joined to this machine by a
 * bridge (../shared/ENVIRONMENT.md, "Several Docker hosts on one machine"). A host may also run
 * sshd (for ssh:// engines) and listen with TLS. Everything made is recorded as it is made and
 * torn down by `stop()`, in reverse, even after a failure half way; traffic goes only to the
 * hosts' own addresses.
 */
export interface TestHost {
  readonly name: string;
  /** The host's address on the bridge, e.g. 10.231.17.10. */
  readonly address: string;
  /** The engine's own socket (reached from this machine without the network). */
  readonly socket: string;
  /** tcp://ADDRESS:2375, or tcp://ADDRESS:2376 with TLS. */
  readonly dockerHost: string;
  /** With TLS: the directory holding ca.pem, cert.pem and key.pem for clients. */
  readonly clientCerts?: string;
  /** With ssh: an ssh_config file for SLIPWAY_SSH_CONFIG that reaches root@ADDRESS with a key of its own. */
  readonly sshConfig?: string;
  /** Runs `docker` against this host's engine. */
  docker(args: readonly string[]): Promise<string>;
  /** Stops this host's dockerd (SIGTERM, as `systemctl restart docker` does) and starts it again on the same state. */
  restartEngine(): Promise<void>;
  /** Kills this host's dockerd (SIGKILL: a host that dies), leaving it down until startEngine. */
  killEngine(): Promise<void>;
  /** Starts a killed dockerd again on the same state. */
  startEngine(): Promise<void>;
}

export interface TestHosts {
  readonly hosts: readonly TestHost[];
  /** The bridge's address on this machine: the hosts' gateway. */
  readonly gateway: string;
  /** With `registry`: GATEWAY:PORT, the loopback registry as the hosts reach it (plain HTTP, allowed on every host's engine). */
  readonly registryHost?: string;
  stop(): Promise<void>;
}

export interface TestHostsOptions {
  /** host:port of a registry on this machine's loopback, made reachable from the hosts at GATEWAY:PORT. */
  readonly registry?: string;
  /**
   * Let the hosts reach each other (a swarm's nodes do): bridged traffic passes iptables' FORWARD
   * chain, whose policy the main engine sets to DROP, so one rule accepts traffic from this
   * bridge to itself, and exactly that rule is removed at the end.
   */
  readonly betweenHosts?: boolean;
}

export interface HostOptions {
  readonly tls?: boolean;
  readonly ssh?: boolean;
}

/** Why these tests cannot run here, or undefined when they can (root, nsenter, dockerd, ip). */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to create network namespaces";
  for (const tool of ["/usr/bin/nsenter", "/usr/sbin/dockerd", "/usr/bin/openssl"])
    if (!existsSync(tool) && !existsSync(tool.replace("/usr", ""))) return `needs ${tool}`;
  return undefined;
}

export async function startTestHosts(specs: readonly HostOptions[], options: TestHostsOptions = {}): Promise<TestHosts> {
  const id = await unusedId();
  const prefix = `sw${id}`;
  const subnet = `10.231.${id}`;
  const gateway = `${subnet}.1`;
  const undo: (() => Promise<unknown>)[] = [];
  const work = mkdtempSync(join(tmpdir(), `slipway-${prefix}-`));
  undo.push(async () => rmSync(work, { recursive: true, force: true }));
  // A test run stopped by Ctrl-C or kill still takes down what it made, then ends as the signal says.
  const onSignal = (signal: NodeJS.Signals): void => {
    void stop().finally(() => process.kill(process.pid, signal));
  };
  const stop = async (): Promise<void> => {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    for (const step of undo.reverse()) await step().catch(() => undefined);
    undo.length = 0;
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    const bridge = `${prefix}-br`;
    await ip(["link", "add", bridge, "type", "bridge"]);
    undo.push(() => ip(["link", "del", bridge]));
    await ip(["addr", "add", `${gateway}/24`, "dev", bridge]);
    await ip(["link", "set", bridge, "up"]);
    if (options.betweenHosts === true) {
      const rule = ["FORWARD", "-i", bridge, "-o", bridge, "-j", "ACCEPT"];
      await run("iptables", ["-I", ...rule]);
      undo.push(() => run("iptables", ["-D", ...rule]));
    }
    let registryHost: string | undefined;
    if (options.registry !== undefined) {
      const port = Number(options.registry.split(":")[1]);
      registryHost = `${gateway}:${port}`;
      const relay = await relayTcp({ host: gateway, port }, { host: "127.0.0.1", port });
      undo.push(() => relay.close());
    }
    // Side by side: each host's dockerd takes seconds to come up. Each records its own undo steps.
    const started = await Promise.allSettled(
      specs.map((spec, index) => {
        const own: (() => Promise<unknown>)[] = [];
        undo.push(async () => {
          for (const step of own.reverse()) await step().catch(() => undefined);
        });
        return startHost({
          name: `${prefix}-${String.fromCharCode(97 + index)}`,
          address: `${subnet}.${10 + index}`,
          gateway,
          bridge,
          work,
          spec,
          undo: own,
          ...(registryHost === undefined ? {} : { insecureRegistry: registryHost }),
        });
      }),
    );
    const failed = started.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    const hosts = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    return { hosts, gateway, ...(registryHost === undefined ? {} : { registryHost }), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startHost(input: {
  name: string;
  address: string;
  gateway: string;
  bridge: string;
  work: string;
  spec: HostOptions;
  undo: (() => Promise<unknown>)[];
  insecureRegistry?: string;
}): Promise<TestHost> {
  const { name, address, undo } = input;
  const dir = join(input.work, name);
  mkdirSync(dir, { recursive: true });
  await ip(["netns", "add", name]);
  undo.push(() => ip(["netns", "del", name]));
  const inside = (command: string, args: readonly string[]): Promise<unknown> => run("nsenter", [`--net=/var/run/netns/${name}`, command, ...args]);
  await ip(["link", "add", `${name}-v`, "type", "veth", "peer", "name", "eth0", "netns", name]);
  undo.push(() => ip(["link", "del", `${name}-v`]));
  await ip(["link", "set", `${name}-v`, "master", input.bridge, "up"]);
  await inside("ip", ["addr", "add", `${address}/24`, "dev", "eth0"]);
  await inside("ip", ["link", "set", "eth0", "up"]);
  await inside("ip", ["link", "set", "lo", "up"]);
  await inside("ip", ["route", "add", "default", "via", input.gateway]);
  // Per network namespace, as on a real host (docs/hosts.md): Caddy's reloads then never reset queued connections.
  await inside("sysctl", ["-q", "-w", "net.ipv4.tcp_migrate_req=1"]).catch(() => undefined);

  const socket = join(dir, "docker.sock");
  const tlsArgs: string[] = [];
  let clientCerts: string | undefined;
  if (input.spec.tls === true) {
    clientCerts = await makeCertificates(dir, address);
    tlsArgs.push("--tlsverify", "--tlscacert", join(dir, "ca.pem"), "--tlscert", join(dir, "server-cert.pem"), "--tlskey", join(dir, "server-key.pem"));
  }
  const port = input.spec.tls === true ? 2376 : 2375;
  const args = [
    `--net=/var/run/netns/${name}`,
    "dockerd",
    "--data-root",
    join(dir, "data"),
    "--exec-root",
    join(dir, "exec"),
    "--pidfile",
    join(dir, "docker.pid"),
    "-H",
    `unix://${socket}`,
    "-H",
    `tcp://${address}:${port}`,
    "--iptables=false",
    ...(input.insecureRegistry === undefined ? [] : ["--insecure-registry", input.insecureRegistry]),
    ...tlsArgs,
  ];
  const docker = async (argv: readonly string[]): Promise<string> => (await run("docker", ["-H", `unix://${socket}`, ...argv], { maxBuffer: 16 << 20 })).stdout;
  let dockerd: ChildProcess | undefined;
  const startDockerd = async (): Promise<void> => {
    const log = openSync(join(dir, "dockerd.log"), "a");
    dockerd = spawn("nsenter", args, { stdio: ["ignore", log, log] });
    await waitFor(
      async () => (await docker(["version", "--format", "{{.Server.Version}}"])).trim() !== "",
      30_000,
      () => tail(join(dir, "dockerd.log")),
    );
  };
  // dockerd leaves its exec root's network-namespace mount (exec/netns/default) behind: unmounted
  // after it stopped, so the directory can be removed.
  undo.push(() => unmountUnder(dir));
  undo.push(async () => (dockerd === undefined ? undefined : stopProcess(dockerd, 20_000)));
  await startDockerd();
  const restartEngine = async (): Promise<void> => {
    if (dockerd !== undefined) await stopProcess(dockerd, 20_000);
    await startDockerd();
  };
  const killEngine = async (): Promise<void> => {
    const child = dockerd;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  };

  let sshConfig: string | undefined;
  if (input.spec.ssh === true) sshConfig = await startSshd({ name, address, dir, socket, undo });
  return {
    name,
    address,
    socket,
    dockerHost: `tcp://${address}:${port}`,
    ...(clientCerts === undefined ? {} : { clientCerts }),
    ...(sshConfig === undefined ? {} : { sshConfig }),
    docker,
    restartEngine,
    killEngine,
    startEngine: startDockerd,
  };
}

/** sshd inside the namespace, letting in one key of its own; `docker` there talks to the host's engine. */
async function startSshd(input: { name: string; address: string; dir: string; socket: string; undo: (() => Promise<unknown>)[] }): Promise<string> {
  const { dir } = input;
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "client_key")]);
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_key.pub")));
  chmodSync(join(dir, "authorized_keys"), 0o600);
  mkdirSync("/run/sshd", { recursive: true });
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `ListenAddress ${input.address}:22`,
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      `SetEnv DOCKER_HOST=unix://${input.socket}`,
      "",
    ].join("\n"),
  );
  const sshd = spawn("nsenter", [`--net=/var/run/netns/${input.name}`, "/usr/sbin/sshd", "-D", "-e", "-f", config], {
    stdio: ["ignore", "ignore", openSync(join(dir, "sshd.log"), "a")],
  });
  input.undo.push(() => stopProcess(sshd, 5_000));
  const hostKey = readFileSync(join(dir, "host_key.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  writeFileSync(join(dir, "known_hosts"), `${input.address} ${hostKey}\n`);
  const client = join(dir, "ssh_config");
  writeFileSync(
    client,
    [
      `Host ${input.address}`,
      `  IdentityFile ${join(dir, "client_key")}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${join(dir, "known_hosts")}`,
      "  StrictHostKeyChecking yes",
      "",
    ].join("\n"),
  );
  await waitFor(
    async () => {
      await run("ssh", ["-F", client, "-o", "BatchMode=yes", `root@${input.address}`, "true"]);
      return true;
    },
    10_000,
    () => tail(join(dir, "sshd.log")),
  );
  return client;
}

/** A CA, a server certificate for `address` and a client certificate, as `dockerd --tlsverify` and its clients want them. */
async function makeCertificates(dir: string, address: string): Promise<string> {
  const clients = join(dir, "client-certs");
  mkdirSync(clients);
  const openssl = (args: readonly string[]): Promise<unknown> => run("openssl", args, { cwd: dir });
  await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2", "-subj", "/CN=slipway-test-ca"]);
  writeFileSync(join(dir, "server.ext"), `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n`);
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const [who, ext] of [
    ["server", "server.ext"],
    ["client", "client.ext"],
  ] as const) {
    await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${who}-key.pem`, "-out", `${who}.csr`, "-subj", `/CN=${who}`]);
    await openssl([
      "x509",
      "-req",
      "-in",
      `${who}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca-key.pem",
      "-CAcreateserial",
      "-out",
      `${who}-cert.pem`,
      "-days",
      "2",
      "-extfile",
      ext,
    ]);
  }
  writeFileSync(join(clients, "ca.pem"), readFileSync(join(dir, "ca.pem")));
  writeFileSync(join(clients, "cert.pem"), readFileSync(join(dir, "client-cert.pem")));
  writeFileSync(join(clients, "key.pem"), readFileSync(join(dir, "client-key.pem")));
  return clients;
}

/** Forwards TCP connections from `from` (an address of the bridge) to `to` (loopback), until closed. */
async function relayTcp(from: { host: string; port: number }, to: { host: string; port: number }): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((incoming) => {
    const outgoing = connect(to);
    sockets.add(incoming).add(outgoing);
    const drop = (): void => {
      incoming.destroy();
      outgoing.destroy();
      sockets.delete(incoming);
      sockets.delete(outgoing);
    };
    incoming.pipe(outgoing).pipe(incoming);
    incoming.once("error", drop).once("close", drop);
    outgoing.once("error", drop).once("close", drop);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(from.port, from.host, () => resolve()));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A subnet and name prefix no other test run on this machine uses now (its bridge does not exist). */
async function unusedId(): Promise<number> {
  const { stdout } = await run("ip", ["-o", "link", "show"]);
  const taken = new Set([...stdout.matchAll(/ sw(\d+)-br[:@]/g)].map((m) => Number(m[1])));
  const free = Array.from({ length: 240 }, (_, i) => 10 + i).filter((n) => !taken.has(n));
  const id = free[Math.floor(Math.random() * free.length)];
  if (id === undefined) throw new Error("every test subnet 10.231.10-249.0/24 is in use");
  return id;
}

/** Unmounts whatever is still mounted below `dir` (deepest first). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run("umount", ["-l", point]).catch(() => undefined);
}

function ip(args: readonly string[]): Promise<unknown> {
  return run("ip", args);
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    child.kill("SIGKILL");
    await exited;
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, why: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`a test host did not come up in ${timeoutMs / 1000} s: ${String(last)}\n${why()}`);
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "";
  }
}
