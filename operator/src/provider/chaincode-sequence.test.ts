import { describe, expect, it } from '@jest/globals';
import { lifecycleMajority, sequenceToApprove } from './chaincode-sequence';

describe('sequenceToApprove', () => {
  it('is 1 when nothing is committed', () => {
    expect(sequenceToApprove(undefined, '1.0')).toBe(1);
  });
  it('is the committed sequence for the committed version (a provider joining later)', () => {
    expect(sequenceToApprove({ sequence: 4, version: '1.2' }, '1.2')).toBe(4);
  });
  it('is the next sequence for another version (an upgrade)', () => {
    expect(sequenceToApprove({ sequence: 4, version: '1.2' }, '1.3')).toBe(5);
  });
});

describe('lifecycleMajority', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [5, 3],
  ])('of %i orgs is %i', (orgs, needed) => {
    expect(lifecycleMajority(orgs)).toBe(needed);
  });
});
