import { createHash, randomBytes } from 'node:crypto';

import { common } from '@hyperledger/fabric-protos';

import { newChannelHeader } from '../signing';
import { channelGroup, type ChannelDefinition } from './channel-group';

/** Block metadata slots (common.BlockMetadataIndex: SIGNATURES … COMMIT_HASH); Fabric expects all to be present. */
const BLOCK_METADATA_SLOTS = 5;

/** Genesis envelopes carry channel header version 1 (common/genesis msgVersion), other messages 0. */
const GENESIS_MESSAGE_VERSION = 1;

/**
 * The genesis block of a new application channel, for joining orderers through the channel participation API and
 * then peers: what `configtxgen -outputBlock` writes for an equivalent profile (common/genesis Factory.Block).
 * @returns the serialized common.Block.
 */
export function createGenesisBlock(def: ChannelDefinition): Uint8Array {
  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channelGroup(def));
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);

  // Nobody signs a genesis block: the creator is empty, the nonce still makes the transaction ID unique.
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setNonce(randomBytes(24));
  const header = new common.Header();
  header.setChannelHeader(
    newChannelHeader(
      common.HeaderType.CONFIG,
      def.channelId,
      signatureHeader,
      GENESIS_MESSAGE_VERSION,
    ).serializeBinary(),
  );
  header.setSignatureHeader(signatureHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());

  return genesisBlockOf(envelope.serializeBinary()).serializeBinary();
}

/** Block 0 holding `envelope`, with the metadata slots an orderer writes, naming itself as the last config. */
function genesisBlockOf(envelope: Uint8Array): common.Block {
  const blockHeader = new common.BlockHeader();
  blockHeader.setNumber(0);
  blockHeader.setDataHash(blockDataHash([envelope]));
  const data = new common.BlockData();
  data.setDataList([envelope]);

  const lastConfigIndex = new common.LastConfig();
  lastConfigIndex.setIndex(0);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfigIndex);
  const slots: Uint8Array[] = Array.from({ length: BLOCK_METADATA_SLOTS }, () => new Uint8Array());
  slots[common.BlockMetadataIndex.SIGNATURES] = metadataOf(ordererMetadata.serializeBinary());
  // Deprecated slot that configtxgen still sets; Metadata{LastConfig{0}} encodes to empty bytes.
  slots[common.BlockMetadataIndex.LAST_CONFIG] = metadataOf(lastConfigIndex.serializeBinary());
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList(slots);

  const block = new common.Block();
  block.setHeader(blockHeader);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

function metadataOf(value: Uint8Array): Uint8Array {
  const metadata = new common.Metadata();
  metadata.setValue(value);
  return metadata.serializeBinary();
}

/**
 * The block data hash of Fabric 3.1 (protoutil.ComputeBlockDataHash): SHA-256 over the concatenated envelope bytes.
 * Not a Merkle tree, although BlockDataHashingStructure names a width.
 */
export function blockDataHash(envelopes: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const envelope of envelopes) hash.update(envelope);
  return hash.digest();
}
