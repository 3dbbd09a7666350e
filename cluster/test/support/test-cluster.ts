import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { newProgress } from '@emr/network';
import { Cluster } from '../../src/cluster';
import { captureHostState, diffHostState, type HostState } from '../../src/host/state';
import { clusterSettings, NETWORK, REPO_ROOT } from '../../src/settings';

/** A cluster of a test's own: its own state folder, and the host state recorded before anything changes. */
export interface TestCluster {
  readonly root: string;
  readonly cluster: Cluster;
  readonly hostBefore: HostState;
}

/**
 * Prepares a test cluster like `make cluster-up` would (root, Debian packages) without starting it. Refuses to run
 * while another cluster is up on this machine: only one can own the node interface.
 */
export async function prepareTestCluster(label: string): Promise<TestCluster> {
  if (process.getuid?.() !== 0) throw new Error('the cluster test needs root, like make cluster-up');
  if (existsSync(`/sys/class/net/${NETWORK.interfaceName}`)) {
    throw new Error(
      `a cluster is already up on this machine (${NETWORK.interfaceName}); stop it with make cluster-down`,
    );
  }
  execFileSync(join(REPO_ROOT, 'cluster', 'scripts', 'packages.sh'), { stdio: 'inherit' });
  const root = mkdtempSync(`/tmp/emr-${label}-`);
  const cluster = new Cluster(clusterSettings({ root }), newProgress(label));
  return { root, cluster, hostBefore: await captureHostState() };
}

/** Brings the cluster down unless the test already did, and removes its state folder. */
export async function removeTestCluster(test: TestCluster | undefined, alreadyDown: boolean): Promise<void> {
  if (!test) return;
  if (!alreadyDown && existsSync(join(test.root, 'host-before.json'))) await test.cluster.down();
  rmSync(test.root, { recursive: true, force: true });
}

/** What a test's last step checks: nothing left by the cluster, the host as recorded before, no state folder. */
export interface TakenDown {
  readonly leftovers: readonly string[];
  readonly hostChanges: readonly string[];
  readonly folderRemains: boolean;
}

export const CLEANLY_DOWN: TakenDown = { leftovers: [], hostChanges: [], folderRemains: false };

/** Brings the test's cluster down and reports what it left (expected: CLEANLY_DOWN). */
export async function takeDown(test: TestCluster): Promise<TakenDown> {
  const leftovers = await test.cluster.down();
  return {
    leftovers,
    hostChanges: diffHostState(test.hostBefore, await captureHostState()),
    folderRemains: existsSync(test.root),
  };
}
