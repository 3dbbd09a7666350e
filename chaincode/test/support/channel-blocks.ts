import type { CloseableAsyncIterable, Gateway } from '@hyperledger/fabric-gateway';
import { queryLedgerHeight } from '../../../network/src/admin/ledger';

interface SerializableMessage {
  serializeBinary(): Uint8Array;
}

/**
 * Every block of the channel, from block 0 to the current height, as the caller's own peer delivers them to the
 * caller (fabric-gateway block events): full blocks — arguments, responses, events, read-write sets.
 */
export async function channelBlocks(gateway: Gateway, channel: string): Promise<Uint8Array[]> {
  const network = gateway.getNetwork(channel);
  return readUpToHeight(gateway, channel, (startBlock) => network.getBlockEvents({ startBlock }));
}

/** The same, with whatever private data the peer will give this caller alongside each block. */
export async function channelBlocksWithPrivateData(gateway: Gateway, channel: string): Promise<Uint8Array[]> {
  const network = gateway.getNetwork(channel);
  return readUpToHeight(gateway, channel, (startBlock) =>
    network.getBlockAndPrivateDataEvents({ startBlock }),
  );
}

async function readUpToHeight(
  gateway: Gateway,
  channel: string,
  open: (startBlock: bigint) => Promise<CloseableAsyncIterable<SerializableMessage>>,
): Promise<Uint8Array[]> {
  const height = await queryLedgerHeight(gateway, channel, gateway.getIdentity().mspId);
  const events = await open(0n);
  const blocks: Uint8Array[] = [];
  try {
    for await (const block of events) {
      blocks.push(block.serializeBinary());
      if (blocks.length >= height) break;
    }
  } finally {
    events.close();
  }
  return blocks;
}
