/**
 * The real proof of the channel-configuration and orderer-admin code: one real Fabric 3.1.1 orderer (Raft, TLS,
 * channel participation with mutual-TLS admin endpoint) gets a channel from our genesis block, and a third
 * organization joins through a config update that our code computes, signs and broadcasts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import {
  addOrganization,
  computeConfigUpdate,
  createConfigUpdateEnvelope,
  createGenesisBlock,
  lastConfigIndex,
  readConfigFromBlock,
  signConfigUpdate,
  type ChannelDefinition,
} from '../src/admin/configtx';
import type { GrpcEndpoint } from '../src/admin/grpc';
import {
  broadcastEnvelope,
  fetchBlock,
  fetchConfigBlock,
  getOrdererChannel,
  joinOrdererToChannel,
  listOrdererChannels,
  OrdererError,
  type OrdererAdminEndpoint,
} from '../src/admin/orderer';
import type { Identity } from '../src/identity/identity';
import { findFabricTools } from './support/fabric-tools';
import { startOrderer, type OrdererProcess } from './support/orderer-process';
import { rejection } from './support/thrown';
import { createTestOrganization, writeLocalMsp, type TestOrganization } from './support/test-crypto';

const CHANNEL = 'emr';
const TEST_TIMEOUT_MS = 60_000;

const tools = findFabricTools();
if (!('binDir' in tools)) console.warn(`Skipping the orderer integration test: ${tools.missing}`);

('binDir' in tools ? describe : describe.skip)('orderer admin operations against a real orderer', () => {
  let dir: string | undefined;
  let orderer: OrdererProcess | undefined;
  let endpoint: GrpcEndpoint;
  let admin: OrdererAdminEndpoint;
  let org1Admin: Identity;
  let org2Admin: Identity;
  let org3: TestOrganization;
  let genesisBlock: Uint8Array;

  beforeAll(async () => {
    if (!('binDir' in tools)) return;
    const workDir = await mkdtemp(path.join(tmpdir(), 'emr-orderer-'));
    dir = workDir;
    const [ordererOrg, org1, org2] = await Promise.all([
      createTestOrganization('OrdererMSP'),
      createTestOrganization('Org1MSP'),
      createTestOrganization('Org2MSP'),
    ]);
    org3 = await createTestOrganization('Org3MSP');
    org1Admin = await org1.enroll('admin', 'Admin@org1');
    org2Admin = await org2.enroll('admin', 'Admin@org2');

    const ordererTls = await ordererOrg.enrollTls('orderer0');
    const files = {
      tlsCertificateFile: path.join(workDir, 'tls/server.crt'),
      tlsPrivateKeyFile: path.join(workDir, 'tls/server.key'),
      tlsCaFile: path.join(workDir, 'tls/ca.crt'),
    };
    await writeLocalMsp(
      path.join(workDir, 'msp'),
      ordererOrg,
      await ordererOrg.enroll('orderer', 'orderer0'),
    );
    await mkdir(path.join(workDir, 'tls'));
    await writeFile(files.tlsCertificateFile, ordererTls.certificate);
    await writeFile(files.tlsPrivateKeyFile, ordererTls.privateKey, { mode: 0o600 });
    await writeFile(files.tlsCaFile, ordererOrg.tlsCaCertificate);
    orderer = await startOrderer(
      tools,
      {
        mspId: 'OrdererMSP',
        mspDir: path.join(workDir, 'msp'),
        adminClientCaFile: files.tlsCaFile,
        ...files,
      },
      path.join(workDir, 'data'),
    );

    endpoint = {
      address: orderer.address,
      tlsCaCertificate: ordererOrg.tlsCaCertificate,
      serverNameOverride: 'localhost',
    };
    admin = {
      adminUrl: orderer.adminUrl,
      tlsCaCertificate: ordererOrg.tlsCaCertificate,
      clientIdentity: await ordererOrg.enrollTls('Admin@orderer'),
    };
    const channel: ChannelDefinition = {
      channelId: CHANNEL,
      ordererOrganizations: [ordererOrg.definition({ ordererEndpoints: [orderer.address] })],
      // The orderer finds itself among the consenters by its TLS certificate, used for cluster traffic too.
      consenters: [
        {
          host: '127.0.0.1',
          port: orderer.port,
          clientTlsCertificate: ordererTls.certificate,
          serverTlsCertificate: ordererTls.certificate,
        },
      ],
      applicationOrganizations: [org1.definition(), org2.definition()],
    };
    genesisBlock = createGenesisBlock(channel);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await orderer?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('joins the orderer to a new channel from our genesis block', async () => {
    const result = await joinOrdererToChannel(admin, CHANNEL, genesisBlock);

    expect(result).toMatchObject({
      outcome: 'joined',
      channel: { name: CHANNEL, consensusRelation: 'consenter', height: 1 },
    });
  });

  it('lists the channel, and joining again reports already-joined', async () => {
    expect(await listOrdererChannels(admin)).toContainEqual({
      name: CHANNEL,
      url: `/participation/v1/channels/${CHANNEL}`,
    });
    expect(await joinOrdererToChannel(admin, CHANNEL, genesisBlock)).toEqual({ outcome: 'already-joined' });
    expect(await getOrdererChannel(admin, 'unknown')).toBeUndefined();
  });

  it('reports the API error of a join with a block that is not a config block', async () => {
    const error = await rejection(joinOrdererToChannel(admin, 'other', new Uint8Array([8, 1])));

    expect(error).toBeInstanceOf(OrdererError);
    expect(error).toMatchObject({
      code: 'ADMIN_API_ERROR',
      details: { status: 400, error: 'invalid join block: block is not a config block' },
    });
  });

  it(
    'delivers block 0, holding exactly the configuration we encoded',
    async () => {
      const block = await fetchConfigBlock(endpoint, CHANNEL, org1Admin);

      expect(block.getHeader()!.getNumber()).toBe(0);
      expect(Buffer.from(readConfigFromBlock(block).serializeBinary())).toEqual(
        Buffer.from(readConfigFromBlock(genesisBlock).serializeBinary()),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it('refuses to deliver from a channel it does not have', async () => {
    const error = await rejection(fetchBlock(endpoint, 'unknown', 0, org1Admin, { timeoutMs: 5_000 }));

    expect(error).toMatchObject({ code: 'DELIVER_REJECTED', details: { statusName: 'NOT_FOUND' } });
  });

  it(
    'rejects adding an organization with the signature of only one of the two organizations',
    async () => {
      const config = readConfigFromBlock(await fetchConfigBlock(endpoint, CHANNEL, org1Admin));
      const update = computeConfigUpdate(CHANNEL, config, addOrganization(config, org3.definition()));
      const envelope = await createConfigUpdateEnvelope(
        CHANNEL,
        update,
        [await signConfigUpdate(update, org1Admin)],
        org1Admin,
      );

      const error = await rejection(broadcastEnvelope(endpoint, envelope));

      expect(error).toMatchObject({
        code: 'BROADCAST_REJECTED',
        // Fabric 3.1 classifies an unsatisfied mod_policy as BAD_REQUEST (FORBIDDEN is for the envelope signer).
        details: { status: 400, statusName: 'BAD_REQUEST' },
      });
      expect((error as OrdererError).details['info']).toMatch(
        /policy for \[Group\] {2}\/Channel\/Application not satisfied: .*requires 2 of the 'Admins' sub-policies/,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'rejects a config update submitted by someone outside the channel, however well signed',
    async () => {
      const config = readConfigFromBlock(await fetchConfigBlock(endpoint, CHANNEL, org1Admin));
      const update = computeConfigUpdate(CHANNEL, config, addOrganization(config, org3.definition()));
      const signatures = [
        await signConfigUpdate(update, org1Admin),
        await signConfigUpdate(update, org2Admin),
      ];
      const outsider = await org3.enroll('admin', 'Admin@org3');
      const envelope = await createConfigUpdateEnvelope(CHANNEL, update, signatures, outsider);

      const error = await rejection(broadcastEnvelope(endpoint, envelope));

      expect(error).toMatchObject({
        code: 'BROADCAST_REJECTED',
        details: { status: 403, statusName: 'FORBIDDEN' },
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'adds a third organization with both organizations’ signatures, in config block 1',
    async () => {
      const config = readConfigFromBlock(await fetchConfigBlock(endpoint, CHANNEL, org1Admin));
      const update = computeConfigUpdate(CHANNEL, config, addOrganization(config, org3.definition()));
      const signatures = [
        await signConfigUpdate(update, org1Admin),
        await signConfigUpdate(update, org2Admin),
      ];
      const envelope = await createConfigUpdateEnvelope(CHANNEL, update, signatures, org2Admin);

      await broadcastEnvelope(endpoint, envelope);

      const block1 = await fetchBlock(endpoint, CHANNEL, 1, org1Admin);
      expect(lastConfigIndex(block1)).toBe(1);
      const latest = await fetchConfigBlock(endpoint, CHANNEL, org1Admin);
      expect(latest.getHeader()!.getNumber()).toBe(1);
      const updated = readConfigFromBlock(latest);
      expect(updated.getSequence()).toBe(1);
      const applicationOrgs = updated.getChannelGroup()!.getGroupsMap().get('Application')!.getGroupsMap();
      expect(Array.from(applicationOrgs.keys()).sort()).toEqual(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    },
    TEST_TIMEOUT_MS,
  );
});
