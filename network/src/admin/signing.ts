import { createHash, createPrivateKey, randomBytes } from 'node:crypto';

import { hash, signers } from '@hyperledger/fabric-gateway';
import { common, msp } from '@hyperledger/fabric-protos';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

import type { Identity } from '../identity/identity';

/** A common.HeaderType value (CONFIG, CONFIG_UPDATE, DELIVER_SEEK_INFO, …). */
export type HeaderType = common.HeaderTypeMap[keyof common.HeaderTypeMap];

/** Fabric's nonce length (protoutil.CreateNonce): 24 random bytes. */
const NONCE_LENGTH = 24;

/**
 * Serializes an identity the way Fabric MSPs expect a creator: msp.SerializedIdentity with the MSP ID and the
 * certificate PEM as id_bytes.
 */
export function serializeIdentity(identity: Identity): Uint8Array {
  const serialized = new msp.SerializedIdentity();
  serialized.setMspid(identity.mspId);
  serialized.setIdBytes(Buffer.from(identity.certificate, 'utf8'));
  return serialized.serializeBinary();
}

/** A SignatureHeader naming `identity` as creator, with a fresh random nonce (replay protection). */
export function newSignatureHeader(identity: Identity): common.SignatureHeader {
  const header = new common.SignatureHeader();
  header.setCreator(serializeIdentity(identity));
  header.setNonce(randomBytes(NONCE_LENGTH));
  return header;
}

/**
 * Signs `message` as Fabric verifies it: ECDSA over the SHA-256 digest, DER-encoded, low-S (Fabric rejects high-S
 * signatures). fabric-gateway's signer does the DER/low-S part, so we do not hand-roll it.
 */
export async function sign(identity: Identity, message: Uint8Array): Promise<Uint8Array> {
  const signer = signers.newPrivateKeySigner(createPrivateKey(identity.privateKey));
  return signer(hash.sha256(message));
}

/** Fabric's transaction ID: hex(SHA-256(nonce ‖ creator)) (protoutil.ComputeTxID). */
export function computeTransactionId(signatureHeader: common.SignatureHeader): string {
  return createHash('sha256')
    .update(signatureHeader.getNonce_asU8())
    .update(signatureHeader.getCreator_asU8())
    .digest('hex');
}

/**
 * A ChannelHeader of `type` for `channelId`, timestamped now with whole seconds (as protoutil.MakeChannelHeader),
 * epoch 0 and the transaction ID derived from `signatureHeader`.
 */
export function newChannelHeader(
  type: HeaderType,
  channelId: string,
  signatureHeader: common.SignatureHeader,
  version = 0,
): common.ChannelHeader {
  const header = new common.ChannelHeader();
  header.setType(type);
  header.setVersion(version);
  header.setChannelId(channelId);
  header.setTimestamp(new Timestamp().setSeconds(Math.floor(Date.now() / 1000)));
  header.setEpoch(0);
  header.setTxId(computeTransactionId(signatureHeader));
  return header;
}

/**
 * Wraps `data` in a Payload with a `type` channel header and `signer`'s signature header, and signs the payload
 * bytes: the envelope every orderer request (Broadcast, Deliver) carries.
 */
export async function createSignedEnvelope(
  type: HeaderType,
  channelId: string,
  data: Uint8Array,
  signer: Identity,
): Promise<common.Envelope> {
  const signatureHeader = newSignatureHeader(signer);
  const header = new common.Header();
  header.setChannelHeader(newChannelHeader(type, channelId, signatureHeader).serializeBinary());
  header.setSignatureHeader(signatureHeader.serializeBinary());

  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const payloadBytes = payload.serializeBinary();

  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(await sign(signer, payloadBytes));
  return envelope;
}
