/**
 * The host state a one-node cluster changes, recorded before the first cluster-up so cluster-down can restore it
 * and a test can compare: sysctls (kubelet, the bridge plugin and kube-proxy set some), network interfaces and
 * routes, iptables chains and rules (IPv4 and IPv6), mounts, the folders the kubelet and containerd create
 * outside the cluster folder, and cgroups.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec';

/** Sysctls the kubelet (kernel tunables), the bridge plugin (ip_forward) and kube-proxy (route_localnet) may change. */
export const RECORDED_SYSCTLS = [
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.forwarding',
  'net.ipv4.conf.default.forwarding',
  'net.ipv4.conf.lo.forwarding',
  'net.ipv4.conf.all.route_localnet',
  'net.ipv6.conf.all.forwarding',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.netfilter.nf_conntrack_max',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
] as const;

/** Folders outside the cluster folder that the kubelet, containerd or the CNI plugins create with fixed paths. */
export const HOST_PATHS = [
  '/var/lib/kubelet',
  '/var/log/containers',
  '/var/log/pods',
  '/run/containerd',
  '/var/lib/cni',
  '/run/netns',
  '/var/lib/containerd',
  '/etc/kubernetes',
] as const;

export type IptablesFamily = 'ipv4' | 'ipv6';

export interface HostState {
  readonly sysctls: Readonly<Record<string, string>>;
  readonly interfaces: readonly string[];
  readonly routes: readonly string[];
  /** Per family: normalized `table :CHAIN POLICY` and `table -A …` lines (no counters, no default built-ins). */
  readonly iptables: Readonly<Record<IptablesFamily, readonly string[]>>;
  /** nftables tables (`ip nat`, …): iptables-nft creates one per table it touches, kube-proxy may add its own. */
  readonly nftTables: readonly string[];
  readonly mounts: readonly string[];
  readonly paths: Readonly<Record<string, boolean>>;
  /** First-level cgroups of every v1 hierarchy (or of the v2 root), e.g. `memory/kubepods`. */
  readonly cgroups: readonly string[];
}

export function sysctlPath(key: string): string {
  return join('/proc/sys', ...key.split('.'));
}

export function readSysctl(key: string): string | undefined {
  try {
    return readFileSync(sysctlPath(key), 'utf8').trim();
  } catch {
    return undefined;
  }
}

const BUILT_IN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

/**
 * Normalizes `iptables-save` output into comparable lines. Counters are dropped; a built-in chain with the default
 * ACCEPT policy is left out, since iptables-nft shows the built-ins of every table that has ever been used.
 */
export function normalizeIptablesSave(text: string): string[] {
  const lines: string[] = [];
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      table = line.slice(1);
    } else if (line.startsWith(':')) {
      const [name = '', policy = ''] = line.slice(1).split(/\s+/);
      if (!(BUILT_IN_CHAINS.has(name) && policy === 'ACCEPT')) {
        lines.push(`${table} :${name} ${policy}`);
      }
    } else if (line.startsWith('-A ')) {
      lines.push(`${table} ${line}`);
    }
  }
  return lines.sort();
}

export async function iptablesSave(family: IptablesFamily): Promise<string> {
  const command = family === 'ipv4' ? 'iptables-save' : 'ip6tables-save';
  const result = await run(command, [], { allowFailure: true });
  return result.code === 0 ? result.stdout : '';
}

function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4] ?? '')
    .sort();
}

function interfaces(): string[] {
  return readdirSync('/sys/class/net').sort();
}

async function routes(): Promise<string[]> {
  const v4 = await run('ip', ['-4', 'route', 'show', 'table', 'all'], { allowFailure: true });
  return v4.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}

export function cgroupRoots(): string[] {
  const base = '/sys/fs/cgroup';
  if (existsSync(join(base, 'cgroup.controllers'))) {
    return [base];
  }
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => {
      try {
        return statSync(dir).isDirectory() && !statSync(dir).isSymbolicLink();
      } catch {
        return false;
      }
    });
}

function firstLevelCgroups(): string[] {
  const found: string[] = [];
  for (const root of cgroupRoots()) {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        found.push(`${root.replace('/sys/fs/cgroup', '').replace(/^\//, '') || '.'}/${entry.name}`);
      }
    }
  }
  return found.sort();
}

export async function nftTables(): Promise<string[]> {
  const result = await run('nft', ['list', 'tables'], { allowFailure: true }).catch(() => undefined);
  if (!result || result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .map((l) => l.trim().replace(/^table /, ''))
    .filter(Boolean)
    .sort();
}

export async function captureHostState(): Promise<HostState> {
  const sysctls: Record<string, string> = {};
  for (const key of RECORDED_SYSCTLS) {
    const value = readSysctl(key);
    if (value !== undefined) sysctls[key] = value;
  }
  return {
    sysctls,
    interfaces: interfaces(),
    routes: await routes(),
    iptables: {
      ipv4: normalizeIptablesSave(await iptablesSave('ipv4')),
      ipv6: normalizeIptablesSave(await iptablesSave('ipv6')),
    },
    nftTables: await nftTables(),
    mounts: mountPoints(),
    paths: Object.fromEntries(HOST_PATHS.map((p) => [p, existsSync(p)])),
    cgroups: firstLevelCgroups(),
  };
}

export async function saveHostState(file: string, state: HostState): Promise<void> {
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
}

export function loadHostState(file: string): HostState | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HostState) : undefined;
}

function listDiff(what: string, before: readonly string[], after: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const item of before) remaining.set(item, (remaining.get(item) ?? 0) + 1);
  const added: string[] = [];
  for (const item of after) {
    const count = remaining.get(item) ?? 0;
    if (count > 0) remaining.set(item, count - 1);
    else added.push(item);
  }
  const removed = [...remaining.entries()].flatMap(([item, count]) => Array<string>(count).fill(item));
  return [...added.map((i) => `${what} added: ${i}`), ...removed.map((i) => `${what} removed: ${i}`)];
}

/** What differs between two host states, one line per difference; empty when the host is as before. */
export function diffHostState(before: HostState, after: HostState): string[] {
  const differences: string[] = [];
  for (const key of new Set([...Object.keys(before.sysctls), ...Object.keys(after.sysctls)])) {
    if (before.sysctls[key] !== after.sysctls[key]) {
      differences.push(
        `sysctl ${key}: ${before.sysctls[key] ?? '(absent)'} -> ${after.sysctls[key] ?? '(absent)'}`,
      );
    }
  }
  differences.push(...listDiff('interface', before.interfaces, after.interfaces));
  differences.push(...listDiff('route', before.routes, after.routes));
  differences.push(...listDiff('iptables', before.iptables.ipv4, after.iptables.ipv4));
  differences.push(...listDiff('ip6tables', before.iptables.ipv6, after.iptables.ipv6));
  differences.push(...listDiff('nft table', before.nftTables, after.nftTables));
  differences.push(...listDiff('mount', before.mounts, after.mounts));
  for (const [path, existed] of Object.entries(before.paths)) {
    if (after.paths[path] !== existed) {
      differences.push(
        `path ${path}: ${existed ? 'existed' : 'absent'} before, ${existed ? 'gone' : 'present'} now`,
      );
    }
  }
  differences.push(...listDiff('cgroup', before.cgroups, after.cgroups));
  return differences;
}
