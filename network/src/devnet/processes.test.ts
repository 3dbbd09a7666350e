import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { chaincodeServerSpec } from '../nodes/chaincode-server';
import type { NodeSpec } from '../nodes/node-spec';
import { newFileSecretStore } from '../secrets/secret-store';
import { ProcessSupervisor, specFingerprint } from './processes';

const server = (packageId: string): ReturnType<typeof chaincodeServerSpec> =>
  chaincodeServerSpec({
    name: 'chaincode-provider1',
    mspId: 'Provider1MSP',
    placement: { listenHost: '127.0.0.1', advertisedHost: '127.0.0.1' },
    port: 17199,
    packageId,
    tlsDir: '/tmp/tls',
    image: 'unused',
    runtime: { node: 'node', shimCli: 'cli.js', modulePath: '/app' },
  });

describe('specFingerprint', () => {
  it('is the same for the same command and environment', () => {
    expect(specFingerprint(server('emr_1.0:aa'))).toBe(specFingerprint(server('emr_1.0:aa')));
  });
  it('changes with the environment: a chaincode server with a new package ID must be restarted', () => {
    expect(specFingerprint(server('emr_2.0:bb'))).not.toBe(specFingerprint(server('emr_1.0:aa')));
  });
  it('does not depend on the order of the environment', () => {
    const spec = server('emr_1.0:aa');
    const reversed = { ...spec, env: Object.fromEntries(Object.entries(spec.env).reverse()) };
    expect(specFingerprint(reversed)).toBe(specFingerprint(spec));
  });
});

/** A free port on 127.0.0.1, as the kernel hands it out. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

describe('ProcessSupervisor with real processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'emr-supervisor-'));
  const supervisor = new ProcessSupervisor({
    stateFile: join(dir, 'state.json'),
    logDir: join(dir, 'logs'),
    binDir: dir,
    secrets: newFileSecretStore(join(dir, 'secrets')),
  });
  /** A node that listens on its port until stopped; `tag` only changes its environment. */
  const listener = (name: string, port: number, tag: string): NodeSpec => ({
    name,
    kind: 'chaincode',
    mspId: 'Org1MSP',
    image: 'unused',
    command: [process.execPath, '-e', `require('node:net').createServer().listen(${port}, '127.0.0.1')`],
    env: { TAG: tag },
    ports: [{ name: 'grpc', port }],
    mounts: [],
    readiness: { scheme: 'TCP', port: 'grpc' },
  });

  afterAll(async () => {
    await supervisor.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every record when nodes start and stop concurrently', async () => {
    const names = ['a', 'b', 'c', 'd'];
    const specs = await Promise.all(names.map(async (name) => listener(name, await freePort(), '1')));
    await Promise.all(specs.map((spec) => supervisor.start(spec)));
    expect((await supervisor.records()).map((r) => r.name).sort()).toEqual(names);
    const late = listener('f', await freePort(), '1');
    await Promise.all([supervisor.stop('a'), supervisor.stop('b'), supervisor.start(late)]);
    expect((await supervisor.records()).map((r) => r.name).sort()).toEqual(['c', 'd', 'f']);
  });

  it('tells a node started from this spec from one started from another', async () => {
    const spec = listener('e', await freePort(), '1');
    expect(await supervisor.state(spec)).toBe('stopped');
    await supervisor.start(spec);
    expect(await supervisor.state(spec)).toBe('current');
    expect(await supervisor.state({ ...spec, env: { TAG: '2' } })).toBe('outdated');
  });
});
