import { common } from '@hyperledger/fabric-protos';

import { ConfigTxError } from './errors';

/**
 * The channel configuration a config block (genesis or later) carries: Block → Envelope → Payload (header type
 * CONFIG) → ConfigEnvelope → Config.
 * @param block serialized common.Block, or an already decoded one.
 * @throws ConfigTxError MALFORMED_CONFIG if the block is not a config block.
 */
export function readConfigFromBlock(block: Uint8Array | common.Block): common.Config {
  const decoded =
    block instanceof common.Block ? block : decode(() => common.Block.deserializeBinary(block), 'block');
  const payload = onlyPayload(decoded);
  const channelHeaderBytes = payload.getHeader()?.getChannelHeader_asU8();
  if (!channelHeaderBytes) throw malformed('the envelope payload has no channel header');
  const channelHeader = decode(
    () => common.ChannelHeader.deserializeBinary(channelHeaderBytes),
    'channel header',
  );
  if (channelHeader.getType() !== common.HeaderType.CONFIG) {
    throw malformed(`block ${decoded.getHeader()?.getNumber() ?? '?'} is not a config block`, {
      headerType: channelHeader.getType(),
    });
  }
  const configEnvelope = decode(
    () => common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()),
    'config',
  );
  const config = configEnvelope.getConfig();
  if (!config?.getChannelGroup()) throw malformed('the config envelope holds no channel group');
  return config;
}

/** The payload of a block's single envelope (config blocks hold exactly one). */
function onlyPayload(block: common.Block): common.Payload {
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const [first] = envelopes;
  if (envelopes.length !== 1 || first === undefined) {
    throw malformed(`a config block holds exactly one envelope, this one holds ${envelopes.length}`);
  }
  const envelope = decode(() => common.Envelope.deserializeBinary(first), 'envelope');
  return decode(() => common.Payload.deserializeBinary(envelope.getPayload_asU8()), 'payload');
}

/**
 * The number of the channel's latest config block as recorded in `block`'s metadata: OrdererBlockMetadata in the
 * SIGNATURES slot (Fabric ≥ 1.4.1), else the deprecated LAST_CONFIG slot (protoutil.GetLastConfigIndexFromBlock).
 */
export function lastConfigIndex(block: common.Block): number {
  const slots = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signatures = slots[common.BlockMetadataIndex.SIGNATURES];
  const signaturesValue = signatures
    ? decode(() => common.Metadata.deserializeBinary(signatures), 'block metadata').getValue_asU8()
    : new Uint8Array();
  if (signaturesValue.length > 0) {
    const ordererMetadata = decode(
      () => common.OrdererBlockMetadata.deserializeBinary(signaturesValue),
      'orderer block metadata',
    );
    return ordererMetadata.getLastConfig()?.getIndex() ?? 0;
  }
  const legacy = slots[common.BlockMetadataIndex.LAST_CONFIG];
  if (legacy === undefined) throw malformed('the block has no LAST_CONFIG metadata slot');
  // Like Fabric, an empty legacy slot means index 0 (what LastConfig{index: 0} encodes to).
  const legacyValue = decode(
    () => common.Metadata.deserializeBinary(legacy),
    'block metadata',
  ).getValue_asU8();
  return decode(() => common.LastConfig.deserializeBinary(legacyValue), 'last config').getIndex();
}

function decode<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (error) {
    throw malformed(`cannot decode the ${what}`, {}, error);
  }
}

function malformed(message: string, details: Record<string, unknown> = {}, cause?: unknown): ConfigTxError {
  return new ConfigTxError('MALFORMED_CONFIG', message, details, { cause });
}
