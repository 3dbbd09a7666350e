import { describe, expect, it } from '@jest/globals';
import type { Condition, MedicalProvider } from '../api/medical-provider';
import { awaitsChaincodeApprovals, chaincodeApprovalChanged } from './chaincode-progress';

const provider = (
  status: { version?: string; sequence?: number; committed?: Partial<Condition> } = {},
): MedicalProvider =>
  ({
    metadata: { name: 'provider1', namespace: 'provider1' },
    status: {
      ...(status.version
        ? {
            chaincode: {
              name: 'emr',
              version: status.version,
              sequence: status.sequence ?? 1,
              packageId: `emr_${status.version}:00`,
              summary: `emr:${status.sequence ?? 1}`,
            },
          }
        : {}),
      conditions: status.committed ? [{ type: 'ChaincodeCommitted', ...status.committed } as Condition] : [],
    },
  }) as unknown as MedicalProvider;

describe('awaitsChaincodeApprovals', () => {
  it('is true while ChaincodeCommitted waits for other orgs’ approvals', () => {
    expect(
      awaitsChaincodeApprovals(provider({ committed: { status: 'False', reason: 'AwaitingApprovals' } })),
    ).toBe(true);
  });
  it('is false when committed, or waiting for something else', () => {
    expect(awaitsChaincodeApprovals(provider({ committed: { status: 'True', reason: 'Committed' } }))).toBe(
      false,
    );
    expect(awaitsChaincodeApprovals(provider({ committed: { status: 'False', reason: 'Superseded' } }))).toBe(
      false,
    );
    expect(awaitsChaincodeApprovals(provider())).toBe(false);
  });
});

describe('chaincodeApprovalChanged', () => {
  it('is true when a member approved another version or sequence', () => {
    expect(
      chaincodeApprovalChanged(provider({ version: '2.0', sequence: 2 }), provider({ version: '1.0' })),
    ).toBe(true);
    expect(
      chaincodeApprovalChanged(
        provider({ version: '1.0', sequence: 2 }),
        provider({ version: '1.0', sequence: 1 }),
      ),
    ).toBe(true);
  });
  it('is false for other status changes and for a first approval', () => {
    expect(chaincodeApprovalChanged(provider({ version: '1.0' }), provider({ version: '1.0' }))).toBe(false);
    expect(chaincodeApprovalChanged(provider({ version: '1.0' }), provider())).toBe(false);
    expect(chaincodeApprovalChanged(undefined, provider({ version: '1.0' }))).toBe(false);
  });
});
