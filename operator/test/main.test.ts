// The `emr-operator` program as the Deployment runs it (operator/dist/main.js, built by `make build`): configured
// by the chart's EMR_OPERATOR_* variables and a kubeconfig, it takes the Lease, serves its probes and metrics,
// and on SIGTERM releases the Lease and exits 0. A bad setting stops it with one sentence.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LEASES, resourcePath } from '../src/kube/types';
import { eventually, startTestCluster, type TestCluster } from './support/kube';

const MAIN = resolve(__dirname, '..', 'dist', 'main.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('the emr-operator program', () => {
  let cluster: TestCluster;
  let kubeconfig: string;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`make build\``);
    cluster = await startTestCluster(['emr-system']);
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'emr-operator-main-')), 'kubeconfig');
    writeFileSync(kubeconfig, cluster.server.kubeconfig(), { mode: 0o600 });
  }, 120_000);

  afterAll(async () => {
    await (cluster as TestCluster | undefined)?.server.stop();
    if (kubeconfig) rmSync(dirname(kubeconfig), { recursive: true, force: true });
  }, 60_000);

  it('rejects a bad setting with one sentence and exit code 1', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env['PATH'] ?? '', KUBECONFIG: kubeconfig, EMR_OPERATOR_LEADER_ELECTION: 'maybe' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'emr-operator: EMR_OPERATOR_LEADER_ELECTION must be true or false, not "maybe"\n',
    );
  });

  it('takes the Lease, serves probes and metrics, and releases the Lease on SIGTERM', async () => {
    const [health, metrics] = [await freePort(), await freePort()];
    const child: ChildProcess = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        KUBECONFIG: kubeconfig,
        EMR_OPERATOR_NAMESPACE: 'emr-system',
        EMR_OPERATOR_POD_NAME: 'emr-operator-0',
        EMR_OPERATOR_LEASE_NAME: 'emr-operator',
        EMR_OPERATOR_HEALTH_PORT: String(health),
        EMR_OPERATOR_METRICS_PORT: String(metrics),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    try {
      const leasePath = resourcePath(LEASES, { namespace: 'emr-system', name: 'emr-operator' });
      await eventually(
        'the Lease held by emr-operator-0',
        async () =>
          (await cluster.client.get<{ spec: { holderIdentity: string } }>(leasePath))?.spec.holderIdentity ===
          'emr-operator-0',
        20_000,
        () => Promise.resolve(output),
      );
      await eventually(
        '/readyz',
        async () => (await fetch(`http://127.0.0.1:${health}/readyz`).catch(() => undefined))?.ok,
      );
      expect((await fetch(`http://127.0.0.1:${health}/healthz`)).status).toBe(200);
      const text = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
      expect(text).toContain('leader_election_master_status{name="emr-operator"} 1');
      expect(output).toContain('"msg":"started"');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const lease = await cluster.client.get<{ spec: { holderIdentity?: string } }>(leasePath);
      expect(lease?.spec.holderIdentity ?? '').toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
