import { createHash, createPublicKey, verify } from 'node:crypto';

import { beforeAll, describe, expect, it } from '@jest/globals';
import { common, msp } from '@hyperledger/fabric-protos';

import { createTestOrganization } from '../../test/support/test-crypto';
import type { Identity } from '../identity/identity';
import {
  computeTransactionId,
  createSignedEnvelope,
  newChannelHeader,
  newSignatureHeader,
  serializeIdentity,
  sign,
} from './signing';

/** Half the order of P-256: Fabric accepts only signatures with S at most this (low-S). */
const P256_HALF_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551') / 2n;

/** S of a DER ECDSA signature: SEQUENCE { INTEGER r, INTEGER s } with short lengths (P-256). */
function signatureS(der: Uint8Array): bigint {
  const rLength = der[3]!;
  const sLength = der[4 + rLength + 1]!;
  const s = der.subarray(4 + rLength + 2, 4 + rLength + 2 + sLength);
  return BigInt('0x' + Buffer.from(s).toString('hex'));
}

function verifies(identity: Identity, message: Uint8Array, signature: Uint8Array): boolean {
  return verify('sha256', message, createPublicKey(identity.certificate), signature);
}

let admin: Identity;

beforeAll(async () => {
  admin = await (await createTestOrganization('Org1MSP')).enroll('admin', 'Admin@org1');
});

describe('serializeIdentity', () => {
  it('encodes the MSP ID and the certificate PEM as a SerializedIdentity', () => {
    const decoded = msp.SerializedIdentity.deserializeBinary(serializeIdentity(admin));

    expect(decoded.getMspid()).toBe('Org1MSP');
    expect(Buffer.from(decoded.getIdBytes_asU8()).toString('utf8')).toBe(admin.certificate);
  });
});

describe('newSignatureHeader', () => {
  it('names the identity as creator with a fresh 24-byte nonce', () => {
    const first = newSignatureHeader(admin);
    const second = newSignatureHeader(admin);

    expect(Buffer.from(first.getCreator_asU8())).toEqual(Buffer.from(serializeIdentity(admin)));
    expect(first.getNonce_asU8()).toHaveLength(24);
    expect(Buffer.from(first.getNonce_asU8())).not.toEqual(Buffer.from(second.getNonce_asU8()));
  });
});

describe('sign', () => {
  it('produces low-S ECDSA SHA-256 signatures the certificate verifies', async () => {
    const message = Buffer.from('config update bytes');
    for (let i = 0; i < 20; i++) {
      const signature = await sign(admin, message);
      expect(verifies(admin, message, signature)).toBe(true);
      expect(signatureS(signature) <= P256_HALF_ORDER).toBe(true);
    }
  });
});

describe('computeTransactionId', () => {
  it('is hex SHA-256 of nonce then creator', () => {
    const header = newSignatureHeader(admin);
    const expected = createHash('sha256')
      .update(Buffer.concat([header.getNonce_asU8(), header.getCreator_asU8()]))
      .digest('hex');

    expect(computeTransactionId(header)).toBe(expected);
  });
});

describe('newChannelHeader', () => {
  it('stamps type, channel, whole-second time and the transaction ID', () => {
    const signatureHeader = newSignatureHeader(admin);
    const header = newChannelHeader(common.HeaderType.CONFIG_UPDATE, 'emr', signatureHeader);

    expect(header.getType()).toBe(common.HeaderType.CONFIG_UPDATE);
    expect(header.getChannelId()).toBe('emr');
    expect(header.getTimestamp()!.getNanos()).toBe(0);
    expect(Math.abs(header.getTimestamp()!.getSeconds() - Date.now() / 1000)).toBeLessThan(5);
    expect(header.getTxId()).toBe(computeTransactionId(signatureHeader));
  });
});

describe('createSignedEnvelope', () => {
  it('signs the payload bytes, which carry the data and both headers', async () => {
    const envelope = await createSignedEnvelope(
      common.HeaderType.DELIVER_SEEK_INFO,
      'emr',
      Buffer.from('seek'),
      admin,
    );
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()!.getChannelHeader_asU8(),
    );
    const signatureHeader = common.SignatureHeader.deserializeBinary(
      payload.getHeader()!.getSignatureHeader_asU8(),
    );

    expect(verifies(admin, envelope.getPayload_asU8(), envelope.getSignature_asU8())).toBe(true);
    expect(Buffer.from(payload.getData_asU8()).toString()).toBe('seek');
    expect(channelHeader.getType()).toBe(common.HeaderType.DELIVER_SEEK_INFO);
    expect(channelHeader.getTxId()).toBe(computeTransactionId(signatureHeader));
  });
});
