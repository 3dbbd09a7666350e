import { createPublicKey, verify } from 'node:crypto';

import { beforeAll, describe, expect, it } from '@jest/globals';
import { common, msp } from '@hyperledger/fabric-protos';

import { createSampleChannel, type SampleChannel } from '../../../test/support/sample-channel';
import type { Identity } from '../../identity/identity';
import { readConfigFromBlock } from './config-block';
import { createConfigUpdateEnvelope, signConfigUpdate } from './config-update-envelope';
import { setAnchorPeers } from './edit';
import { createGenesisBlock } from './genesis-block';
import { computeConfigUpdate } from './update';

let sample: SampleChannel;
let org1Admin: Identity;
let org2Admin: Identity;
let configUpdate: Uint8Array;

beforeAll(async () => {
  sample = await createSampleChannel();
  org1Admin = await sample.org1.enroll('admin', 'Admin@org1');
  org2Admin = await sample.org2.enroll('admin', 'Admin@org2');
  const config = readConfigFromBlock(createGenesisBlock(sample.definition));
  configUpdate = computeConfigUpdate(
    'emr',
    config,
    setAnchorPeers(config, 'Org2MSP', [{ host: 'p', port: 1 }]),
  );
});

function verifies(identity: Identity, message: Uint8Array, signature: Uint8Array): boolean {
  return verify('sha256', message, createPublicKey(identity.certificate), signature);
}

describe('signConfigUpdate', () => {
  it('signs signature header ‖ config update with the admin key', async () => {
    const signature = await signConfigUpdate(configUpdate, org1Admin);
    const header = common.SignatureHeader.deserializeBinary(signature.getSignatureHeader_asU8());
    const creator = msp.SerializedIdentity.deserializeBinary(header.getCreator_asU8());
    const signed = Buffer.concat([signature.getSignatureHeader_asU8(), configUpdate]);

    expect(creator.getMspid()).toBe('Org1MSP');
    expect(verifies(org1Admin, signed, signature.getSignature_asU8())).toBe(true);
    expect(verifies(org2Admin, signed, signature.getSignature_asU8())).toBe(false);
  });
});

describe('createConfigUpdateEnvelope', () => {
  it('carries the exact update bytes and every signature in a CONFIG_UPDATE payload signed by the submitter', async () => {
    const signatures = [
      await signConfigUpdate(configUpdate, org1Admin),
      await signConfigUpdate(configUpdate, org2Admin),
    ];
    const envelope = common.Envelope.deserializeBinary(
      await createConfigUpdateEnvelope('emr', configUpdate, signatures, org2Admin),
    );
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()!.getChannelHeader_asU8(),
    );
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());

    expect(channelHeader.getType()).toBe(common.HeaderType.CONFIG_UPDATE);
    expect(channelHeader.getChannelId()).toBe('emr');
    expect(Buffer.from(updateEnvelope.getConfigUpdate_asU8())).toEqual(Buffer.from(configUpdate));
    expect(updateEnvelope.getSignaturesList().map((s) => Buffer.from(s.getSignature_asU8()))).toEqual(
      signatures.map((s) => Buffer.from(s.getSignature_asU8())),
    );
    expect(verifies(org2Admin, envelope.getPayload_asU8(), envelope.getSignature_asU8())).toBe(true);
  });
});
