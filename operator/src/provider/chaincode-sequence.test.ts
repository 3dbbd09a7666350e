import { describe, expect, it } from '@jest/globals';
import { compareVersions, lifecycleMajority, planApproval } from './chaincode-sequence';

describe('planApproval', () => {
  it('approves sequence 1 when nothing is committed', () => {
    expect(planApproval(undefined, '1.0')).toEqual({ kind: 'approve', sequence: 1 });
  });
  it('approves the committed sequence for the committed version (a provider joining later)', () => {
    expect(planApproval({ sequence: 4, version: '1.2' }, '1.2')).toEqual({ kind: 'approve', sequence: 4 });
  });
  it('approves the next sequence for a newer version (an upgrade)', () => {
    expect(planApproval({ sequence: 4, version: '1.2' }, '1.3')).toEqual({ kind: 'approve', sequence: 5 });
    expect(planApproval({ sequence: 1, version: '1.9' }, '1.10')).toEqual({ kind: 'approve', sequence: 2 });
  });
  it('never proposes an older version than the committed one: the member is behind', () => {
    const committed = { sequence: 2, version: '2.0' };
    expect(planApproval(committed, '1.0')).toEqual({ kind: 'behind', committed });
    expect(planApproval({ sequence: 3, version: '1.10' }, '1.9')).toMatchObject({ kind: 'behind' });
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.0', '2.0', -1],
    ['1.9', '1.10', -1],
    ['v10', 'v2', 1],
    ['2.0', '2.0', 0],
    ['2.0.1', '2.0', 1],
  ])('%s against %s is %i', (a, b, order) => {
    expect(compareVersions(a, b)).toBe(order);
  });
  it('orders versions the collator calls equal, consistently', () => {
    const order = compareVersions('1.0', '1.00');
    expect(order).not.toBe(0);
    expect(compareVersions('1.00', '1.0')).toBe(-order);
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
