import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Devnet } from '../src/devnet/devnet';
import type { DevnetDescription } from '../src/devnet/network-file';
import { queryLedgerHeight } from '../src/admin/ledger';
import { withRetry } from '../src/retry';
import { connectToPeer, enrollTestUser, newTestDevnet, organization } from './support/devnet';
import { chaincodeProbe } from './support/chaincode-probe';

const MINUTE = 60_000;

describe('devnet: a real Fabric network as local processes', () => {
  let devnet: Devnet;
  let description: DevnetDescription;

  beforeAll(async () => {
    devnet = newTestDevnet(2);
    expect(await devnet.up()).toBe('started');
    description = await devnet.describe();
  }, 5 * MINUTE);

  afterAll(async () => {
    await devnet.down();
  }, MINUTE);

  it('runs 3 CAs, 3 Raft orderers, 2 peers and 2 chaincode servers', async () => {
    const records = await devnet.supervisor.records();
    const count = (kind: string): number => records.filter((r) => r.kind === kind).length;
    expect([count('ca'), count('orderer'), count('peer'), count('chaincode')]).toEqual([3, 3, 2, 2]);
    for (const record of records) {
      expect(await devnet.supervisor.isRunning(record.name)).toBe(true);
    }
  });

  it('says so and changes nothing when brought up again', async () => {
    const before = await devnet.supervisor.records();
    expect(await devnet.up()).toBe('already-running');
    expect(await devnet.supervisor.records()).toEqual(before);
  });

  it('describes channel, chaincode, CAs and peers in network.json', async () => {
    const written = await Devnet.readDescription(devnet.layout.settings.root);
    expect(written.channel).toBe('emr');
    expect(written.organizations.map((o) => o.mspId)).toEqual(['OrdererMSP', 'Provider1MSP', 'Provider2MSP']);
    expect(written.orderers).toHaveLength(3);
    const provider1 = organization(written, 'Provider1MSP');
    expect(provider1.ca.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(provider1.ca.bootstrapAdmin.secret.length).toBeGreaterThan(10);
    expect(provider1.peers).toHaveLength(1);
  });

  it("keeps each CA's registrar secret out of its command line (readable by every user) and in its environment", async () => {
    const secrets = description.organizations.map((o) => o.ca.bootstrapAdmin.secret);
    const cas = (await devnet.supervisor.records()).filter((r) => r.kind === 'ca');
    expect(cas).toHaveLength(3);
    for (const ca of cas) {
      const argv = (await readFile(`/proc/${ca.pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      expect(argv.slice(1)).toEqual(['start']);
      const boot = (await readFile(`/proc/${ca.pid}/environ`, 'utf8'))
        .split('\0')
        .find((entry) => entry.startsWith('FABRIC_CA_SERVER_BOOT='));
      // Expanded from CA_BOOTSTRAP_ID and CA_BOOTSTRAP_SECRET, as the kubelet expands it in a pod.
      expect(secrets.some((secret) => boot === `FABRIC_CA_SERVER_BOOT=registrar:${secret}`)).toBe(true);
    }
  });

  it.each(['Provider1MSP', 'Provider2MSP'])(
    'lets a healthcenter user enrolled from the CA of %s create an EMR and find the patient registered',
    async (mspId) => {
      const org = organization(description, mspId);
      const user = await enrollTestUser(org, `it-user-${mspId.toLowerCase()}`, 'healthcenter');
      using connection = connectToPeer(org, user);
      const probe = chaincodeProbe(connection.gateway, description);
      const written = await withRetry(() => probe.write(), { attempts: 20, delayMs: 1000 });
      expect(await probe.read(written)).toBe(true);
      expect(await probe.read('p-never-registered')).toBe(false);
    },
    2 * MINUTE,
  );

  it(
    'adds a third provider to the running channel, whose user then transacts',
    async () => {
      await devnet.addProvider(3);
      description = await devnet.describe();
      const org = organization(description, 'Provider3MSP');
      const user = await enrollTestUser(org, 'it-user-provider3', 'healthcenter');
      using connection = connectToPeer(org, user);
      const probe = chaincodeProbe(connection.gateway, description);
      // Gossip needs a moment to learn the new org's peer before the gateway can plan endorsements with it.
      const written = await withRetry(() => probe.write(), { attempts: 30, delayMs: 1000 });
      expect(await probe.read(written)).toBe(true);
    },
    3 * MINUTE,
  );

  it(
    'restarts a peer that then catches up with blocks committed while it was down',
    async () => {
      const provider1 = organization(description, 'Provider1MSP');
      const user = await enrollTestUser(provider1, 'it-user-restart', 'healthcenter');
      using connection = connectToPeer(provider1, user);
      const probe = chaincodeProbe(connection.gateway, description);
      const heightBefore = await queryLedgerHeight(connection.gateway, description.channel, 'Provider2MSP');
      await devnet.supervisor.stop('peer0-provider2');
      // Provider1's EMR writes need only Provider1's peer: another provider being down does not stop it.
      await withRetry(() => probe.write(), {
        attempts: 20,
        delayMs: 1000,
      });
      await devnet.restart('peer0-provider2');
      const target = await queryLedgerHeight(connection.gateway, description.channel, 'Provider1MSP');
      expect(target).toBeGreaterThan(heightBefore);
      let caughtUp = false;
      for (let attempt = 0; attempt < 30 && !caughtUp; attempt++) {
        const height = await queryLedgerHeight(connection.gateway, description.channel, 'Provider2MSP').catch(
          () => 0,
        );
        caughtUp = height >= target;
        if (!caughtUp) await sleep(1000);
      }
      expect(caughtUp).toBe(true);
    },
    3 * MINUTE,
  );
});
