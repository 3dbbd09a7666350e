/**
 * Lifecycle bookkeeping: which sequence a provider approves. A provider joining a channel whose chaincode is
 * committed approves the committed sequence (that maps the package to its peers); a newer version is the next
 * sequence (an upgrade); no committed definition yet is sequence 1. A version older than the committed one is
 * never proposed: the channel would silently go back to code the others moved away from.
 */
export interface CommittedChaincode {
  readonly sequence: number;
  readonly version: string;
}

/** What the spec's version means against the committed definition. */
export type ApprovalPlan =
  | { readonly kind: 'approve'; readonly sequence: number }
  | { readonly kind: 'behind'; readonly committed: CommittedChaincode };

// Numeric runs compare as numbers, so 1.9 < 1.10 < 2.0 and v2 < v10.
const VERSION_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Orders chaincode versions part by part, numbers numerically; equal only when identical. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const order = VERSION_ORDER.compare(a, b);
  // The collator may call `1.0` and `1.00` equal; any fixed order between distinct versions will do.
  return order !== 0 ? Math.sign(order) : a < b ? -1 : 1;
}

export function planApproval(committed: CommittedChaincode | undefined, version: string): ApprovalPlan {
  if (!committed) return { kind: 'approve', sequence: 1 };
  const order = compareVersions(version, committed.version);
  if (order === 0) return { kind: 'approve', sequence: committed.sequence };
  if (order > 0) return { kind: 'approve', sequence: committed.sequence + 1 };
  return { kind: 'behind', committed };
}

/** Approvals the default /Channel/Application/LifecycleEndorsement (MAJORITY Endorsement) needs. */
export function lifecycleMajority(orgs: number): number {
  return Math.floor(orgs / 2) + 1;
}
