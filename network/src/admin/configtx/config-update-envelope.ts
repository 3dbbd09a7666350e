import { common } from '@hyperledger/fabric-protos';

import type { Identity } from '../../identity/identity';
import { createSignedEnvelope, newSignatureHeader, sign } from '../signing';

/**
 * One admin's signature over a config update: ECDSA over (signature header ‖ config update bytes). Every required
 * admin signs the identical `configUpdate` bytes that {@link computeConfigUpdate} returned; never re-serialize them.
 */
export async function signConfigUpdate(
  configUpdate: Uint8Array,
  admin: Identity,
): Promise<common.ConfigSignature> {
  const signatureHeader = newSignatureHeader(admin).serializeBinary();
  const signature = new common.ConfigSignature();
  signature.setSignatureHeader(signatureHeader);
  signature.setSignature(await sign(admin, concatBytes(signatureHeader, configUpdate)));
  return signature;
}

/**
 * The CONFIG_UPDATE transaction to broadcast to an orderer: ConfigUpdateEnvelope{configUpdate, signatures} in a
 * payload signed by `submitter`, who must satisfy the channel's /Channel/Writers policy (any member's client or
 * admin identity); the signatures must satisfy the mod_policy of everything the update writes.
 * @returns the serialized common.Envelope.
 */
export async function createConfigUpdateEnvelope(
  channelId: string,
  configUpdate: Uint8Array,
  signatures: readonly common.ConfigSignature[],
  submitter: Identity,
): Promise<Uint8Array> {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(configUpdate);
  updateEnvelope.setSignaturesList([...signatures]);
  const envelope = await createSignedEnvelope(
    common.HeaderType.CONFIG_UPDATE,
    channelId,
    updateEnvelope.serializeBinary(),
    submitter,
  );
  return envelope.serializeBinary();
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}
