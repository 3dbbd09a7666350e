import { randomBytes } from 'node:crypto';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { fabricErrorText } from '../fabric-error-text';

/**
 * The EMR chaincode keys every patient pseudonym with a secret of the provider, kept in the provider's implicit
 * private collection. An admin of the org sets it once, after the chaincode is committed and approved by the org;
 * the 32 random bytes travel only as transient data and are not kept anywhere else.
 */
export async function initializeEmrProvider(
  gateway: Gateway,
  channelId: string,
  chaincode: string,
): Promise<'initialized' | 'already-initialized'> {
  const contract = gateway.getNetwork(channelId).getContract(chaincode, 'Provider');
  try {
    await contract.submit('InitializeProvider', {
      transientData: { providerKey: randomBytes(32) },
      endorsingOrganizations: [gateway.getIdentity().mspId],
    });
    return 'initialized';
  } catch (err) {
    if (fabricErrorText(err).includes('CONFLICT')) {
      return 'already-initialized';
    }
    throw err;
  }
}
