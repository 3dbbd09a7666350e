import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { get as getHttps } from 'node:https';
import { connect, createServer } from 'node:net';
import { dirname, isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expandCommand, expandEnv, type NodeSpec } from '../nodes/node-spec';
import { requireSecret, type SecretStore } from '../secrets/secret-store';

/** A node started as a local process: the devnet renderer of a NodeSpec. */
export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  readonly kind: NodeSpec['kind'];
  readonly ports: Readonly<Record<string, number>>;
  /** specFingerprint of what it was started from; absent in records of older devnets. */
  readonly fingerprint?: string;
}

/**
 * What a node's process is started from: its command and environment (secrets as their references). A node whose
 * spec changed — e.g. a chaincode server given a new package ID — must be restarted to run it.
 */
export function specFingerprint(spec: NodeSpec): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        command: spec.command,
        env: Object.entries(spec.env).sort(([a], [b]) => a.localeCompare(b)),
      }),
    )
    .digest('hex')
    .slice(0, 16);
}

export class DevnetError extends Error {
  override readonly name = 'DevnetError';
}

export interface SupervisorOptions {
  readonly stateFile: string;
  readonly logDir: string;
  readonly binDir: string;
  readonly secrets: SecretStore;
  readonly readyTimeoutMs?: number;
}

export class ProcessSupervisor {
  readonly #options: SupervisorOptions;
  #updates: Promise<void> = Promise.resolve();

  constructor(options: SupervisorOptions) {
    this.#options = options;
  }

  async records(): Promise<ProcessRecord[]> {
    if (!existsSync(this.#options.stateFile)) {
      return [];
    }
    return JSON.parse(await readFile(this.#options.stateFile, 'utf8')) as ProcessRecord[];
  }

  async isRunning(name: string): Promise<boolean> {
    const record = (await this.records()).find((r) => r.name === name);
    return record !== undefined && isAlive(record.pid);
  }

  /**
   * Whether the node runs, and from this spec (`current`) or from another (`outdated`: restart it to apply the
   * spec). A running node of a record without fingerprint counts as current.
   */
  async state(spec: NodeSpec): Promise<'stopped' | 'current' | 'outdated'> {
    const record = (await this.records()).find((r) => r.name === spec.name);
    if (record === undefined || !isAlive(record.pid)) return 'stopped';
    return record.fingerprint === undefined || record.fingerprint === specFingerprint(spec)
      ? 'current'
      : 'outdated';
  }

  /** Starts the node unless it runs already, then waits until its readiness probe passes. */
  async start(spec: NodeSpec): Promise<'started' | 'running'> {
    if (await this.isRunning(spec.name)) {
      return 'running';
    }
    for (const port of spec.ports) {
      if (!(await isPortFree(port.port))) {
        throw new DevnetError(`port ${port.port} (${spec.name} ${port.name}) is in use by another process`);
      }
    }
    const pid = await this.#spawn(spec);
    const ports = Object.fromEntries(spec.ports.map((p) => [p.name, p.port]));
    const record = { name: spec.name, pid, kind: spec.kind, ports, fingerprint: specFingerprint(spec) };
    await this.#update((records) => [...records.filter((r) => r.name !== spec.name), record]);
    await this.#waitReady(spec, pid, join(this.#options.logDir, `${spec.name}.log`));
    return 'started';
  }

  async #spawn(spec: NodeSpec): Promise<number> {
    const env = await this.#resolveEnv(spec);
    const [executable = '', ...args] = expandCommand(spec.command, env);
    const binary = isAbsolute(executable) ? executable : join(this.#options.binDir, executable);
    if (!existsSync(binary)) {
      throw new DevnetError(`${spec.name}: ${binary} is missing — run \`make tools\` first`);
    }
    for (const mount of spec.mounts.filter((m) => m.source === 'data')) {
      await mkdir(mount.path, { recursive: true });
    }
    const logFile = join(this.#options.logDir, `${spec.name}.log`);
    await mkdir(dirname(logFile), { recursive: true });
    const log = openSync(logFile, 'a');
    // The child outlives this command (make devnet returns while the network runs): own process group, no stdio ties.
    const child = spawn(binary, args, {
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.unref();
    if (child.pid === undefined) {
      throw new DevnetError(`${spec.name}: could not start ${binary}`);
    }
    return child.pid;
  }

  /** SIGTERM, then SIGKILL after a grace period; forgets the node. */
  async stop(name: string): Promise<void> {
    const record = (await this.records()).find((r) => r.name === name);
    if (record) {
      await terminate(record.pid);
    }
    await this.#update((records) => records.filter((r) => r.name !== name));
  }

  async stopAll(): Promise<number> {
    const records = await this.records();
    await Promise.all(records.map((r) => terminate(r.pid)));
    await this.#update(() => []);
    return records.length;
  }

  /**
   * Read-modify-write of the state file, one at a time in this process: nodes started or stopped concurrently (the
   * operator's workers restarting several orgs' chaincode servers) would otherwise drop each other's records.
   */
  #update(change: (records: ProcessRecord[]) => ProcessRecord[]): Promise<void> {
    const updated = this.#updates.then(async () => this.#save(change(await this.records())));
    this.#updates = updated.catch(() => undefined);
    return updated;
  }

  async #save(records: readonly ProcessRecord[]): Promise<void> {
    await mkdir(dirname(this.#options.stateFile), { recursive: true });
    // Written aside and renamed: a reader never sees a half-written file.
    const next = `${this.#options.stateFile}.${process.pid}.tmp`;
    await writeFile(next, JSON.stringify(records, null, 2));
    await rename(next, this.#options.stateFile);
  }

  async #resolveEnv(spec: NodeSpec): Promise<Record<string, string>> {
    const entries = await Promise.all(
      Object.entries(spec.env).map(async ([key, value]) => [
        key,
        typeof value === 'string' ? value : await requireSecret(this.#options.secrets, value.secret),
      ]),
    );
    return expandEnv(Object.fromEntries(entries) as Record<string, string>);
  }

  async #waitReady(spec: NodeSpec, pid: number, logFile: string): Promise<void> {
    const probe = spec.readiness;
    const port = spec.ports.find((p) => p.name === probe.port)?.port;
    if (port === undefined) {
      throw new DevnetError(`${spec.name}: readiness port ${probe.port} is not declared`);
    }
    const deadline = Date.now() + (this.#options.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (!isAlive(pid)) {
        throw new DevnetError(
          `${spec.name} exited during start-up; last lines of ${logFile}:\n${await tail(logFile)}`,
        );
      }
      const ready =
        probe.scheme === 'TCP'
          ? await canConnect(port)
          : await httpOk(port, probe.path, probe.scheme === 'HTTPS');
      if (ready) {
        return;
      }
      await sleep(200);
    }
    throw new DevnetError(
      `${spec.name} was not ready within the timeout; last lines of ${logFile}:\n${await tail(logFile)}`,
    );
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function terminate(pid: number): Promise<void> {
  if (!isAlive(pid)) {
    return;
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && isAlive(pid); i++) {
    await sleep(100);
  }
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
  }
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

/** An HTTPS probe does not verify the server certificate, as the kubelet's does not. */
function httpOk(port: number, path: string, tls = false): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, path, timeout: 2000, rejectUnauthorized: false };
    const request = (tls ? getHttps : get)(options, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('error', () => {
      resolve(false);
    });
    request.once('timeout', () => {
      request.destroy();
    });
  });
}

async function tail(file: string, lines = 15): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
