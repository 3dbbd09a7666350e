/**
 * Which providers must look at the channel again when another member's status changes, so that an upgrade does not
 * wait for retry intervals or the informers' resync: the chaincode definition lives on the channel, and a member's
 * status is how this operator learns that another member moved it.
 */
import type { MedicalProvider } from '../api/medical-provider';

/**
 * Whether a provider waits for other orgs to approve a new chaincode definition: another member's approval (its
 * status changes then) may be the one it waits for.
 */
export function awaitsChaincodeApprovals(provider: MedicalProvider): boolean {
  const committed = provider.status?.conditions?.find((c) => c.type === 'ChaincodeCommitted');
  return committed?.status === 'False' && committed.reason === 'AwaitingApprovals';
}

/**
 * Whether a member approved another chaincode definition (version or sequence) than before: the others may now be
 * able to commit it, or be behind the channel (VersionBehindChannel) although Ready a moment ago.
 */
export function chaincodeApprovalChanged(
  provider: MedicalProvider | undefined,
  previous: MedicalProvider | undefined,
): boolean {
  const now = provider?.status?.chaincode;
  const before = previous?.status?.chaincode;
  if (!now || !before) return false;
  return now.version !== before.version || now.sequence !== before.sequence;
}
