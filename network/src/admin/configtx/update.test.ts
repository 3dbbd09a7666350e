import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { common, orderer } from '@hyperledger/fabric-protos';

import {
  findFabricTools,
  protoDecode,
  runFabricTool,
  type FabricTools,
} from '../../../test/support/fabric-tools';
import { createSampleChannel, type SampleChannel } from '../../../test/support/sample-channel';
import { createTestOrganization } from '../../../test/support/test-crypto';
import { thrown } from '../../../test/support/thrown';
import { readConfigFromBlock } from './config-block';
import { ConfigKeys } from './config-group';
import { addOrganization, copyConfig, setAnchorPeers } from './edit';
import { createGenesisBlock } from './genesis-block';
import { implicitMeta } from './policies';
import { computeConfigUpdate } from './update';

let sample: SampleChannel;
/** The sample channel's config with non-zero versions, as after a few updates, so version arithmetic shows. */
let original: common.Config;

beforeAll(async () => {
  sample = await createSampleChannel();
  original = readConfigFromBlock(createGenesisBlock(sample.definition));
  const channelGroup = original.getChannelGroup()!;
  channelGroup.setVersion(2);
  application(original).setVersion(3);
  application(original).getGroupsMap().get('Org1MSP')!.setVersion(4);
  ordererGroup(original).getValuesMap().get(ConfigKeys.batchTimeout)!.setVersion(5);
});

function application(config: common.Config): common.ConfigGroup {
  return config.getChannelGroup()!.getGroupsMap().get(ConfigKeys.applicationGroup)!;
}

function ordererGroup(config: common.Config): common.ConfigGroup {
  return config.getChannelGroup()!.getGroupsMap().get(ConfigKeys.ordererGroup)!;
}

function decodeUpdate(bytes: Uint8Array): common.ConfigUpdate {
  return common.ConfigUpdate.deserializeBinary(bytes);
}

/** The changes the scenarios exercise: one per rule of update.Compute. */
const scenarios: Record<string, () => Promise<common.Config> | common.Config> = {
  'add an application organization': async () =>
    addOrganization(original, (await createTestOrganization('Org3MSP')).definition()),
  'add anchor peers to an organization without any': () =>
    setAnchorPeers(original, 'Org2MSP', [{ host: 'peer0.org2', port: 7055 }]),
  'change existing anchor peers': () =>
    setAnchorPeers(original, 'Org1MSP', [{ host: 'peer1.org1', port: 7053 }]),
  'change a value (batch timeout)': () => {
    const updated = copyConfig(original);
    const timeout = new orderer.BatchTimeout();
    timeout.setTimeout('100ms');
    ordererGroup(updated).getValuesMap().get(ConfigKeys.batchTimeout)!.setValue(timeout.serializeBinary());
    return updated;
  },
  'change a policy (Endorsement to ANY)': () => {
    const updated = copyConfig(original);
    application(updated)
      .getPoliciesMap()
      .get(ConfigKeys.endorsement)!
      .setPolicy(implicitMeta('ANY', ConfigKeys.endorsement));
    return updated;
  },
  'remove an application organization': () => {
    const updated = copyConfig(original);
    application(updated).getGroupsMap().del('Org2MSP');
    return updated;
  },
  "change a group's mod_policy": () => {
    const updated = copyConfig(original);
    application(updated).setModPolicy(ConfigKeys.writers);
    return updated;
  },
};

describe('computeConfigUpdate', () => {
  it('writes a new organization at version 0 and bumps the Application group, reading its siblings by version', async () => {
    const org3 = (await createTestOrganization('Org3MSP')).definition();
    const update = decodeUpdate(computeConfigUpdate('emr', original, addOrganization(original, org3)));

    expect(update.getChannelId()).toBe('emr');
    const readApplication = update.getReadSet()!.getGroupsMap().get(ConfigKeys.applicationGroup)!;
    const writeApplication = update.getWriteSet()!.getGroupsMap().get(ConfigKeys.applicationGroup)!;
    expect(readApplication.getVersion()).toBe(3);
    expect(writeApplication.getVersion()).toBe(4);
    expect(writeApplication.getModPolicy()).toBe(ConfigKeys.admins);
    expect(Array.from(readApplication.getGroupsMap().keys()).sort()).toEqual(['Org1MSP', 'Org2MSP']);
    expect(readApplication.getGroupsMap().get('Org1MSP')!.getVersion()).toBe(4);
    const newOrg = writeApplication.getGroupsMap().get('Org3MSP')!;
    expect(newOrg.getVersion()).toBe(0);
    expect(newOrg.getModPolicy()).toBe(ConfigKeys.admins);
    expect(newOrg.getValuesMap().get(ConfigKeys.msp)!.getValue_asU8().length).toBeGreaterThan(0);
    // The channel group itself is untouched: named by version only, on both sides.
    expect(update.getWriteSet()!.getVersion()).toBe(2);
    expect(update.getWriteSet()!.getModPolicy()).toBe('');
    expect(update.getWriteSet()!.getGroupsMap().has(ConfigKeys.ordererGroup)).toBe(false);
  });

  it('bumps only a changed value, leaving its group at its version', () => {
    const updated = setAnchorPeers(original, 'Org1MSP', [{ host: 'peer1.org1', port: 7053 }]);
    const update = decodeUpdate(computeConfigUpdate('emr', original, updated));
    const org1 = update
      .getWriteSet()!
      .getGroupsMap()
      .get(ConfigKeys.applicationGroup)!
      .getGroupsMap()
      .get('Org1MSP')!;

    expect(org1.getVersion()).toBe(4);
    expect(org1.getValuesMap().get(ConfigKeys.anchorPeers)!.getVersion()).toBe(1);
    expect(Array.from(org1.getValuesMap().keys())).toEqual([ConfigKeys.anchorPeers]);
  });

  it('refuses two equal configurations', () => {
    expect(thrown(() => computeConfigUpdate('emr', original, copyConfig(original)))).toMatchObject({
      code: 'NO_DIFFERENCES',
    });
  });
});

describe('addOrganization and setAnchorPeers', () => {
  it('leave the original configuration untouched', async () => {
    const before = original.serializeBinary();
    addOrganization(original, (await createTestOrganization('Org3MSP')).definition());
    setAnchorPeers(original, 'Org1MSP', []);

    expect(Buffer.from(original.serializeBinary())).toEqual(Buffer.from(before));
  });

  it('refuse to add an existing organization or to change an unknown one', () => {
    expect(
      thrown(() => addOrganization(original, sample.definition.applicationOrganizations[0]!)),
    ).toMatchObject({
      code: 'ORGANIZATION_EXISTS',
      details: { mspId: 'Org1MSP' },
    });
    expect(thrown(() => setAnchorPeers(original, 'Org9MSP', []))).toMatchObject({
      code: 'ORGANIZATION_NOT_FOUND',
    });
  });

  it('remove the AnchorPeers value when given no anchor peers', () => {
    const updated = setAnchorPeers(original, 'Org1MSP', []);

    expect(
      application(updated).getGroupsMap().get('Org1MSP')!.getValuesMap().has(ConfigKeys.anchorPeers),
    ).toBe(false);
  });
});

const tools = findFabricTools();
if (!('binDir' in tools)) console.warn(`Skipping the comparison with configtxlator: ${tools.missing}`);

('binDir' in tools ? describe : describe.skip)(
  'computeConfigUpdate compared with configtxlator compute_update',
  () => {
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'emr-compute-update-'));
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it.each(Object.keys(scenarios))('%s: same read and write sets', async (scenario) => {
      const fabricTools = tools as FabricTools;
      const updated = await scenarios[scenario]!();
      const prefix = path.join(dir, scenario.replace(/\W+/g, '-'));
      await writeFile(`${prefix}-original.pb`, original.serializeBinary());
      await writeFile(`${prefix}-updated.pb`, updated.serializeBinary());
      await runFabricTool(fabricTools, 'configtxlator', [
        'compute_update',
        '--channel_id',
        'emr',
        '--original',
        `${prefix}-original.pb`,
        '--updated',
        `${prefix}-updated.pb`,
        '--output',
        `${prefix}-theirs.pb`,
      ]);
      await writeFile(`${prefix}-ours.pb`, computeConfigUpdate('emr', original, updated));

      const [theirs, ours] = await Promise.all([
        protoDecode(fabricTools, 'common.ConfigUpdate', `${prefix}-theirs.pb`),
        protoDecode(fabricTools, 'common.ConfigUpdate', `${prefix}-ours.pb`),
      ]);
      expect(ours).toEqual(theirs);
    });

    it('agrees that equal configurations have no update', async () => {
      const fabricTools = tools as FabricTools;
      const file = path.join(dir, 'same.pb');
      await writeFile(file, original.serializeBinary());

      await expect(
        runFabricTool(fabricTools, 'configtxlator', [
          'compute_update',
          '--channel_id',
          'emr',
          '--original',
          file,
          '--updated',
          file,
          '--output',
          path.join(dir, 'none.pb'),
        ]),
      ).rejects.toThrow('no differences detected between original and updated config');
    });
  },
);
