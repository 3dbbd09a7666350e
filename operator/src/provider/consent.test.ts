import { describe, expect, it } from '@jest/globals';
import { decideConsent, parseApprovals, requiredSignatures, tallyVotes, type MemberVote } from './consent';

describe('decideConsent', () => {
  it.each([
    [{ mode: 'Automatic' as const }, [], 'consents'],
    [{ mode: 'AllowList' as const, allowedMspIds: ['Provider3MSP'] }, [], 'consents'],
    [{ mode: 'AllowList' as const, allowedMspIds: ['Provider4MSP'] }, [], 'refuses'],
    [{ mode: 'Manual' as const }, [], 'pending'],
    [{ mode: 'Manual' as const }, ['Provider9MSP'], 'pending'],
    [{ mode: 'Manual' as const }, ['Provider3MSP'], 'consents'],
  ])('%o with approvals %o decides %s for Provider3MSP', (policy, approvals, decision) => {
    expect(decideConsent(policy, approvals, 'Provider3MSP')).toBe(decision);
  });
});

describe('requiredSignatures', () => {
  it.each([
    ['MAJORITY', 1, 1],
    ['MAJORITY', 2, 2],
    ['MAJORITY', 3, 2],
    ['MAJORITY', 4, 3],
    ['ALL', 3, 3],
    ['ANY', 3, 1],
    ['ANY', 0, 0],
  ] as const)('%s of %i members needs %i', (rule, members, needed) => {
    expect(requiredSignatures(rule, members)).toBe(needed);
  });
});

describe('parseApprovals', () => {
  it('splits on commas and white space', () => {
    expect(parseApprovals(' Provider3MSP, Provider4MSP\nProvider5MSP ')).toEqual([
      'Provider3MSP',
      'Provider4MSP',
      'Provider5MSP',
    ]);
    expect(parseApprovals(undefined)).toEqual([]);
  });
});

const vote = (
  mspId: string,
  decision: MemberVote['decision'],
  canSign = decision === 'consents',
): MemberVote => ({
  mspId,
  decision,
  canSign,
});

describe('tallyVotes', () => {
  it('approves when the required number of members consent and can sign', () => {
    const tally = tallyVotes(
      [vote('A', 'consents'), vote('B', 'consents'), vote('C', 'pending')],
      'MAJORITY',
    );
    expect(tally).toMatchObject({ outcome: 'approved', required: 2, members: 3, signers: ['A', 'B'] });
  });

  it('waits while pending members could still make up the number', () => {
    const tally = tallyVotes([vote('A', 'consents'), vote('B', 'pending')], 'MAJORITY');
    expect(tally.outcome).toBe('waiting');
    expect(tally.waitingFor.map((v) => v.mspId)).toEqual(['B']);
  });

  it('waits for a consenting member whose admin identity is not at hand yet', () => {
    const tally = tallyVotes([vote('A', 'consents'), vote('B', 'consents', false)], 'MAJORITY');
    expect(tally).toMatchObject({ outcome: 'waiting', signers: ['A'] });
  });

  it('refuses when refusals leave too few possible signers', () => {
    const tally = tallyVotes([vote('A', 'consents'), vote('B', 'refuses')], 'MAJORITY');
    expect(tally).toMatchObject({ outcome: 'refused', refused: ['B'], required: 2 });
    expect(
      tallyVotes([vote('A', 'consents'), vote('B', 'refuses'), vote('C', 'pending')], 'MAJORITY').outcome,
    ).toBe('waiting');
  });

  it('follows the rule: ANY needs one, ALL needs every member', () => {
    expect(tallyVotes([vote('A', 'refuses'), vote('B', 'consents')], 'ANY').outcome).toBe('approved');
    expect(
      tallyVotes([vote('A', 'consents'), vote('B', 'consents'), vote('C', 'refuses')], 'ALL').outcome,
    ).toBe('refused');
  });
});
