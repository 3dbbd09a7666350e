/**
 * Who signs the channel update that admits a new provider. Each member decides by its own consent policy; the
 * channel's /Channel/Application/Admins policy (an implicit-meta rule over the members' Admins) says how many
 * signatures the update needs.
 */
import type { configtx } from '@emr/network';
import type { ConsentMode } from '../api/medical-provider';

export type ImplicitMetaRule = configtx.ImplicitMetaRule;

export interface ConsentPolicy {
  readonly mode: ConsentMode;
  readonly allowedMspIds?: readonly string[];
}

export type ConsentDecision = 'consents' | 'refuses' | 'pending';

/**
 * Automatic: consents to every candidate. AllowList: consents to the listed ones and refuses others. Manual:
 * consents once an admin of the member approved the candidate, pending until then.
 */
export function decideConsent(
  policy: ConsentPolicy,
  approvals: readonly string[],
  candidateMspId: string,
): ConsentDecision {
  switch (policy.mode) {
    case 'Automatic':
      return 'consents';
    case 'AllowList':
      return (policy.allowedMspIds ?? []).includes(candidateMspId) ? 'consents' : 'refuses';
    case 'Manual':
      return approvals.includes(candidateMspId) ? 'consents' : 'pending';
  }
}

/** Signatures an implicit-meta rule over `members` sub-policies needs. */
export function requiredSignatures(rule: ImplicitMetaRule, members: number): number {
  switch (rule) {
    case 'ANY':
      return Math.min(1, members);
    case 'ALL':
      return members;
    case 'MAJORITY':
      return Math.floor(members / 2) + 1;
  }
}

/** MSP IDs from an approval annotation: separated by commas and/or white space. */
export function parseApprovals(annotation: string | undefined): string[] {
  return (annotation ?? '')
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id !== '');
}

export interface MemberVote {
  readonly mspId: string;
  readonly decision: ConsentDecision;
  /** Whether the operator can sign for the member (its admin identity is at hand). */
  readonly canSign: boolean;
  /** Why it cannot sign, for the status message. */
  readonly unavailableReason?: string;
}

export interface Tally {
  readonly outcome: 'approved' | 'waiting' | 'refused';
  readonly required: number;
  readonly members: number;
  /** Members that consent and can sign. */
  readonly signers: readonly string[];
  readonly refused: readonly string[];
  /** Members that may still sign: pending approval, or consenting without an admin identity at hand yet. */
  readonly waitingFor: readonly MemberVote[];
}

/**
 * Approved when enough members consent and can sign; refused when even every member still pending could not
 * make up the required number; waiting otherwise.
 */
export function tallyVotes(votes: readonly MemberVote[], rule: ImplicitMetaRule): Tally {
  const required = requiredSignatures(rule, votes.length);
  const signers = votes.filter((v) => v.decision === 'consents' && v.canSign).map((v) => v.mspId);
  const refused = votes.filter((v) => v.decision === 'refuses').map((v) => v.mspId);
  const waitingFor = votes.filter(
    (v) => v.decision === 'pending' || (v.decision === 'consents' && !v.canSign),
  );
  const outcome =
    signers.length >= required
      ? 'approved'
      : signers.length + waitingFor.length < required
        ? 'refused'
        : 'waiting';
  return { outcome, required, members: votes.length, signers, refused, waitingFor };
}
