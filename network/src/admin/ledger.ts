import type { Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';

/** The ledger height (number of blocks) of a channel on a peer of `mspId`, through the Gateway service (qscc). */
export async function queryLedgerHeight(gateway: Gateway, channelId: string, mspId: string): Promise<number> {
  const qscc = gateway.getNetwork(channelId).getContract('qscc');
  const info = await qscc.evaluate('GetChainInfo', {
    arguments: [channelId],
    endorsingOrganizations: [mspId],
  });
  return common.BlockchainInfo.deserializeBinary(info).getHeight();
}
