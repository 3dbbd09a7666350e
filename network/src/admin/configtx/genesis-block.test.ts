import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { common } from '@hyperledger/fabric-protos';

import { writeConfigtxProfile, PROFILE_NAME } from '../../../test/support/configtxgen-profile';
import { findFabricTools, protoDecode, runFabricTool } from '../../../test/support/fabric-tools';
import { createSampleChannel } from '../../../test/support/sample-channel';
import { thrown } from '../../../test/support/thrown';
import { DEFAULT_BATCH, type ChannelDefinition } from './channel-group';
import { lastConfigIndex, readConfigFromBlock } from './config-block';
import { ConfigKeys } from './config-group';
import { ConfigTxError } from './errors';
import { createGenesisBlock } from './genesis-block';

let channel: ChannelDefinition;

beforeAll(async () => {
  channel = (await createSampleChannel()).definition;
});

describe('createGenesisBlock', () => {
  it('builds block 0 whose data hash is SHA-256 over its single envelope', () => {
    const block = common.Block.deserializeBinary(createGenesisBlock(channel));
    const envelopes = block.getData()!.getDataList_asU8();

    expect(block.getHeader()!.getNumber()).toBe(0);
    expect(block.getHeader()!.getPreviousHash_asU8()).toHaveLength(0);
    expect(envelopes).toHaveLength(1);
    expect(Buffer.from(block.getHeader()!.getDataHash_asU8())).toEqual(
      createHash('sha256').update(envelopes[0]!).digest(),
    );
  });

  it('fills all five metadata slots, with last config 0 in the SIGNATURES slot', () => {
    const block = common.Block.deserializeBinary(createGenesisBlock(channel));

    expect(block.getMetadata()!.getMetadataList()).toHaveLength(5);
    const signatures = common.Metadata.deserializeBinary(
      block.getMetadata()!.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES]!,
    );
    expect(signatures.getValue_asU8().length).toBeGreaterThan(0);
    expect(lastConfigIndex(block)).toBe(0);
  });

  it('wraps the config in a CONFIG envelope for the channel with a transaction ID', () => {
    const block = common.Block.deserializeBinary(createGenesisBlock(channel));
    const envelope = common.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[0]!);
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());

    expect(header.getType()).toBe(common.HeaderType.CONFIG);
    expect(header.getChannelId()).toBe('emr');
    expect(header.getTxId()).toMatch(/^[0-9a-f]{64}$/);
    expect(header.getTimestamp()!.getSeconds()).toBeGreaterThan(0);
  });

  it('holds the orderer and application organizations readConfigFromBlock returns', () => {
    const config = readConfigFromBlock(createGenesisBlock(channel));
    const groups = config.getChannelGroup()!.getGroupsMap();

    expect(config.getSequence()).toBe(0);
    expect(groups.get(ConfigKeys.ordererGroup)!.getGroupsMap().has('OrdererMSP')).toBe(true);
    expect(Array.from(groups.get(ConfigKeys.applicationGroup)!.getGroupsMap().keys()).sort()).toEqual([
      'Org1MSP',
      'Org2MSP',
    ]);
  });

  it.each([
    [undefined, common.ImplicitMetaPolicy.Rule.MAJORITY],
    ['ALL' as const, common.ImplicitMetaPolicy.Rule.ALL],
    ['ANY' as const, common.ImplicitMetaPolicy.Rule.ANY],
  ])('makes the Application Admins policy %s Admins (default MAJORITY)', (applicationAdmins, rule) => {
    const config = readConfigFromBlock(
      createGenesisBlock({ ...channel, ...(applicationAdmins ? { applicationAdmins } : {}) }),
    );
    const application = config.getChannelGroup()!.getGroupsMap().get(ConfigKeys.applicationGroup)!;
    const policy = application.getPoliciesMap().get(ConfigKeys.admins)!.getPolicy()!;
    const meta = common.ImplicitMetaPolicy.deserializeBinary(policy.getValue_asU8());
    expect({ rule: meta.getRule(), subPolicy: meta.getSubPolicy() }).toEqual({ rule, subPolicy: 'Admins' });
  });

  it.each([
    ['an upper-case channel ID', { channelId: 'EMR' }],
    ['no consenters', { consenters: [] }],
    ['a batch timeout that is not a Go duration', { batch: { timeout: '250' } }],
  ])('refuses %s', (_, override) => {
    expect(() => createGenesisBlock({ ...channel, ...override })).toThrow(ConfigTxError);
  });

  it('refuses an orderer organization without endpoints (capability V3_0 needs them)', () => {
    const [ordererOrg] = channel.ordererOrganizations;
    const withoutEndpoints = { ...ordererOrg!, ordererEndpoints: [] };

    expect(
      thrown(() => createGenesisBlock({ ...channel, ordererOrganizations: [withoutEndpoints] })),
    ).toMatchObject({
      code: 'INVALID_DEFINITION',
      details: { mspId: 'OrdererMSP', kind: 'orderer' },
    });
  });
});

describe('readConfigFromBlock', () => {
  it('rejects bytes that are not a config block', () => {
    expect(thrown(() => readConfigFromBlock(new Uint8Array([1, 2, 3])))).toMatchObject({
      code: 'MALFORMED_CONFIG',
    });
  });
});

const tools = findFabricTools();
const describeWithTools = 'binDir' in tools ? describe : describe.skip;
if (!('binDir' in tools)) {
  console.warn(`Skipping the comparison with configtxgen: ${tools.missing}`);
}

describeWithTools('createGenesisBlock compared with the real configtxgen', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'emr-configtxgen-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('encodes the same block structure and channel configuration', async () => {
    if (!('binDir' in tools)) return;
    await writeConfigtxProfile(dir, { ...channel, batch: DEFAULT_BATCH });
    const theirs = path.join(dir, 'configtxgen.block');
    await runFabricTool(tools, 'configtxgen', [
      '-configPath',
      dir,
      '-profile',
      PROFILE_NAME,
      '-channelID',
      channel.channelId,
      '-outputBlock',
      theirs,
    ]);
    const ours = path.join(dir, 'ours.block');
    await writeFile(ours, createGenesisBlock(channel));

    const [theirJson, ourJson] = await Promise.all([
      protoDecode(tools, 'common.Block', theirs),
      protoDecode(tools, 'common.Block', ours),
    ]);
    expect(withoutPerBlockRandomness(ourJson)).toEqual(withoutPerBlockRandomness(theirJson));
    // Both blocks hash their data the same way: ours is accepted as-is, theirs re-hashed by us matches.
    const theirBlock = common.Block.deserializeBinary(await readFile(theirs));
    expect(Buffer.from(theirBlock.getHeader()!.getDataHash_asU8())).toEqual(
      createHash('sha256').update(theirBlock.getData()!.getDataList_asU8()[0]!).digest(),
    );
  });
});

/** Blanks what differs between any two genesis blocks: data hash, timestamp, nonce and transaction ID. */
function withoutPerBlockRandomness(decoded: unknown): unknown {
  const block = structuredClone(decoded) as {
    header: { data_hash: string };
    data: {
      data: {
        payload: { header: { channel_header: Record<string, unknown>; signature_header: { nonce: string } } };
      }[];
    };
  };
  block.header.data_hash = '<hash>';
  for (const envelope of block.data.data) {
    envelope.payload.header.channel_header.timestamp = '<time>';
    envelope.payload.header.channel_header.tx_id = '<txid>';
    envelope.payload.header.signature_header.nonce = '<nonce>';
  }
  return block;
}
