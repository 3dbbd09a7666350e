/**
 * The cluster's processes (containerd, etcd, the control plane, kubelet, kube-proxy) as detached background
 * processes: one log per component, PIDs in processes.json, a readiness probe per component. Same behaviour as
 * devnet's supervisor: a component that runs already is left alone, one that dies during start-up fails with the
 * end of its log.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from './exec';

export interface Component {
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** Ports on `host` that must be free before it starts. */
  readonly ports: readonly number[];
  readonly host: string;
  /** Resolves true once the component serves; polled until the timeout. */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
}

export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  readonly binary: string;
}

/** The PATH our components see: Debian's sbin for iptables, conntrack, containerd-shim-runc-v2 and runc. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** True while the process runs; a zombie (exited, not yet reaped by PID 1) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** True when the PID still belongs to the binary (not a recycled PID). */
export function runsBinary(pid: number, binary: string): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    return argv0 === binary;
  } catch {
    return false;
  }
}

export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) {
    await sleep(100);
  }
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
}

export async function tail(file: string, lines = 12): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export class Supervisor {
  /** Serializes read-modify-write of the state file (components stop in parallel). */
  #updates: Promise<unknown> = Promise.resolve();

  constructor(
    readonly stateFile: string,
    readonly logDir: string,
  ) {}

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  async records(): Promise<ProcessRecord[]> {
    if (!existsSync(this.stateFile)) return [];
    return JSON.parse(await readFile(this.stateFile, 'utf8')) as ProcessRecord[];
  }

  async running(name: string): Promise<ProcessRecord | undefined> {
    const record = (await this.records()).find((r) => r.name === name);
    return record && isAlive(record.pid) && runsBinary(record.pid, record.binary) ? record : undefined;
  }

  /** Starts the component unless it runs already; waits for its readiness either way. */
  async start(
    component: Component,
    isPortFree: (host: string, port: number) => Promise<boolean>,
  ): Promise<string> {
    const existing = await this.running(component.name);
    if (existing) {
      await this.#waitReady(component, existing.pid);
      return `running (pid ${existing.pid})`;
    }
    if (!existsSync(component.binary)) {
      throw new ClusterError(`${component.name}: ${component.binary} is missing — run \`make tools\` first`);
    }
    for (const port of component.ports) {
      if (!(await isPortFree(component.host, port))) {
        throw new ClusterError(
          `port ${port} on ${component.host} (${component.name}) is in use by another process; find it with \`ss -ltnp 'sport = :${port}'\``,
        );
      }
    }
    await mkdir(this.logDir, { recursive: true });
    const log = openSync(this.logFile(component.name), 'a');
    const child = spawn(component.binary, component.args, {
      env: { PATH: SYSTEM_PATH, HOME: process.env['HOME'] ?? '/root' },
      detached: true,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) {
      throw new ClusterError(`${component.name}: could not start ${component.binary}`);
    }
    await this.#update((records) => [
      ...records.filter((r) => r.name !== component.name),
      { name: component.name, pid, binary: component.binary },
    ]);
    await this.#waitReady(component, pid);
    return `started (pid ${pid})`;
  }

  async stop(name: string, graceMs?: number): Promise<boolean> {
    const record = (await this.records()).find((r) => r.name === name);
    let stopped = false;
    if (record && isAlive(record.pid) && runsBinary(record.pid, record.binary)) {
      await terminate(record.pid, graceMs);
      stopped = true;
    }
    await this.#update((records) => records.filter((r) => r.name !== name));
    return stopped;
  }

  #update(change: (records: ProcessRecord[]) => ProcessRecord[]): Promise<void> {
    const next = this.#updates.then(async () => {
      const records = change(await this.records());
      await mkdir(dirname(this.stateFile), { recursive: true });
      await writeFile(this.stateFile, `${JSON.stringify(records, null, 2)}\n`);
    });
    this.#updates = next.catch(() => undefined);
    return next;
  }

  async #waitReady(component: Component, pid: number): Promise<void> {
    const deadline = Date.now() + (component.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (!isAlive(pid)) {
        throw new ClusterError(
          `${component.name} exited during start-up; last lines of ${this.logFile(component.name)}:\n${await tail(this.logFile(component.name))}`,
        );
      }
      if (await component.ready().catch(() => false)) return;
      await sleep(250);
    }
    throw new ClusterError(
      `${component.name} was not ready within ${(component.readyTimeoutMs ?? 60_000) / 1000} s; last lines of ${this.logFile(component.name)}:\n${await tail(this.logFile(component.name))}`,
    );
  }
}
