/**
 * Undoing what the node did to the host, against the state recorded before the first cluster-up: only what is
 * new is removed (mounts below our folders, iptables chains and the rules that jump to them, interfaces,
 * kubepods cgroups, folders), and the recorded sysctls are written back.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../exec';
import { isAlive } from '../supervisor';
import { EGRESS_COMMENT, interfaceExists } from './network';
import {
  cgroupRoots,
  iptablesSave,
  nftTables,
  normalizeIptablesSave,
  readSysctl,
  sysctlPath,
  type HostState,
  type IptablesFamily,
} from './state';

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

export function mountsUnder(prefixes: readonly string[]): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => prefixes.some((prefix) => under(mountPoint, prefix)));
}

/** Unmounts every mount below the prefixes, deepest first; returns how many. */
export async function unmountUnder(prefixes: readonly string[]): Promise<number> {
  let count = 0;
  for (let round = 0; round < 5; round++) {
    const mounts = mountsUnder(prefixes).sort((a, b) => b.split('/').length - a.split('/').length);
    if (mounts.length === 0) break;
    for (const mountPoint of mounts) {
      const result = await run('umount', [mountPoint], { allowFailure: true });
      if (result.code !== 0) await run('umount', ['-l', mountPoint], { allowFailure: true });
      count++;
    }
  }
  return count;
}

/** Splits an iptables-save rule into arguments (double quotes, backslash escapes). */
export function splitRule(rule: string): string[] {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < rule.length; i++) {
    const c = rule.charAt(i);
    if (c === '\\' && i + 1 < rule.length) {
      current += rule.charAt(++i);
      started = true;
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (c === ' ' && !quoted) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

const OURS = /^(KUBE-|CNI-)/;

/** A rule of ours in a chain that is not ours: it jumps to a KUBE-/CNI- chain or carries our comment. */
function isOurRuleInForeignChain(args: readonly string[], line: string): boolean {
  const target = args.findIndex((a) => a === '-j' || a === '-g');
  const jump = target >= 0 ? (args[target + 1] ?? '') : '';
  return !OURS.test(args[1] ?? '') && (OURS.test(jump) || line.includes(EGRESS_COMMENT));
}

/**
 * The iptables commands that remove what appeared since `before`: new rules that jump to a new KUBE-/CNI- chain
 * or carry our comment, then every new chain (flushed first, then deleted).
 */
export function iptablesCleanup(before: readonly string[], currentSave: string): string[][] {
  const known = new Set(before);
  const deletions: string[][] = [];
  const newChains: [string, string][] = [];
  let table = '';
  for (const line of currentSave.split('\n').map((l) => l.trim())) {
    if (line.startsWith('*')) {
      table = line.slice(1);
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(/\s+/)[0] ?? '';
      const declared = normalizeIptablesSave(`*${table}\n${line}\n`)[0] ?? '';
      if (OURS.test(name) && !known.has(declared)) newChains.push([table, name]);
    } else if (line.startsWith('-A ') && !known.has(`${table} ${line}`)) {
      const args = splitRule(line);
      if (isOurRuleInForeignChain(args, line)) deletions.push(['-t', table, '-D', ...args.slice(1)]);
    }
  }
  return [
    ...deletions,
    ...newChains.map(([t, chain]) => ['-t', t, '-F', chain]),
    ...newChains.map(([t, chain]) => ['-t', t, '-X', chain]),
  ];
}

export async function removeIptables(family: IptablesFamily, before: readonly string[]): Promise<number> {
  const command = family === 'ipv4' ? 'iptables' : 'ip6tables';
  const commands = iptablesCleanup(before, await iptablesSave(family));
  for (const args of commands) {
    await run(command, ['-w', ...args], { allowFailure: true });
  }
  return commands.length;
}

/** True when an nftables table holds nothing but chain declarations (no rules, sets or maps). */
export function nftTableEmpty(listing: string): boolean {
  return listing
    .split('\n')
    .map((l) => l.trim())
    .every(
      (l) =>
        l === '' || l === '}' || l.startsWith('table ') || /^chain \S+ \{$/.test(l) || l.startsWith('type '),
    );
}

/** Deletes the nftables tables that appeared since `before` once they are empty (iptables-nft leaves them behind). */
export async function removeNftTables(before: HostState): Promise<string[]> {
  const removed: string[] = [];
  for (const table of await nftTables()) {
    if (before.nftTables.includes(table)) continue;
    const [family = '', name = ''] = table.split(' ');
    const listing = await run('nft', ['list', 'table', family, name], { allowFailure: true });
    if (listing.code === 0 && (nftTableEmpty(listing.stdout) || name === 'kube-proxy')) {
      await run('nft', ['delete', 'table', family, name], { allowFailure: true });
      removed.push(table);
    }
  }
  return removed;
}

export async function removeInterface(name: string, before: HostState): Promise<boolean> {
  if (!interfaceExists(name) || before.interfaces.includes(name)) return false;
  await run('ip', ['link', 'delete', name], { allowFailure: true });
  return true;
}

function removeCgroupTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroupTree(join(dir, entry.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // still has processes (another hierarchy's view of a dying container); the diff reports it
  }
}

/** Removes the kubepods cgroups (cgroupfs driver) that did not exist before. */
export function removeCgroups(before: HostState): number {
  let removed = 0;
  for (const root of cgroupRoots()) {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      const key = `${root.replace('/sys/fs/cgroup', '').replace(/^\//, '') || '.'}/${entry.name}`;
      if (entry.isDirectory() && entry.name.startsWith('kubepods') && !before.cgroups.includes(key)) {
        removeCgroupTree(join(root, entry.name));
        removed++;
      }
    }
  }
  return removed;
}

/** Writes back every recorded sysctl that changed; ip_forward first (writing it resets each interface's forwarding). */
export async function restoreSysctls(before: HostState): Promise<string[]> {
  const restored: string[] = [];
  const keys = Object.keys(before.sysctls).sort(
    (a, b) => Number(b === 'net.ipv4.ip_forward') - Number(a === 'net.ipv4.ip_forward'),
  );
  for (const key of keys) {
    const value = before.sysctls[key];
    if (value !== undefined && readSysctl(key) !== value) {
      await run('sh', ['-c', `echo "$1" > "$2"`, 'sh', value, sysctlPath(key)], { allowFailure: true });
      restored.push(`${key}=${value}`);
    }
  }
  return restored;
}

/** Removes the fixed-path folders that did not exist before (never through a mount). */
export async function removeHostPaths(before: HostState): Promise<string[]> {
  const removed: string[] = [];
  for (const [path, existed] of Object.entries(before.paths)) {
    if (!existed && existsSync(path) && mountsUnder([path]).length === 0) {
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
  }
  return removed;
}

/** PIDs of containerd shims started by the containerd at `socket` (they outlive it). */
export function shimsOf(socket: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if ((argv[0] ?? '').endsWith('containerd-shim-runc-v2') && argv.includes(socket))
        pids.push(Number(entry));
    } catch {
      // process ended meanwhile
    }
  }
  return pids;
}

/** Kills the shims of our containerd and the containers below them (by their cgroup-free process tree). */
export function killShims(socket: string): number {
  const shims = shimsOf(socket);
  for (const pid of shims) {
    for (const child of childrenOf(pid)) killQuietly(child);
    killQuietly(pid);
  }
  return shims.length;
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry), ...childrenOf(Number(entry)));
    } catch {
      // gone
    }
  }
  return found;
}

function killQuietly(pid: number): void {
  try {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}
