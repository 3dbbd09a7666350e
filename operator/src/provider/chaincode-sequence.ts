/**
 * Lifecycle bookkeeping: which sequence a provider approves. A provider joining a channel whose chaincode is
 * committed approves the committed sequence (that maps the package to its peers); a new version is the next
 * sequence (an upgrade); no committed definition yet is sequence 1.
 */
export interface CommittedChaincode {
  readonly sequence: number;
  readonly version: string;
}

export function sequenceToApprove(committed: CommittedChaincode | undefined, version: string): number {
  if (!committed) return 1;
  return committed.version === version ? committed.sequence : committed.sequence + 1;
}

/** Approvals the default /Channel/Application/LifecycleEndorsement (MAJORITY Endorsement) needs. */
export function lifecycleMajority(orgs: number): number {
  return Math.floor(orgs / 2) + 1;
}
