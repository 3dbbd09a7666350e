import { describe, expect, it } from '@jest/globals';
import { rolloutPending, type WorkloadStatus } from './rollout';

const workload = (
  status: NonNullable<WorkloadStatus['status']>,
  generation = 2,
  replicas = 1,
): WorkloadStatus => ({ metadata: { generation }, spec: { replicas }, status });

describe('rolloutPending', () => {
  it('is undefined once every replica is updated and ready and no old one is left', () => {
    expect(
      rolloutPending(
        'Deployment',
        'chaincode-p1',
        workload({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 1 }),
      ),
    ).toBeUndefined();
  });
  it('waits for a workload that does not exist yet, or that its controller has not looked at', () => {
    expect(rolloutPending('StatefulSet', 'peer0-p1', undefined)).toBe('StatefulSet peer0-p1: 0/1 ready');
    expect(
      rolloutPending('StatefulSet', 'peer0-p1', { metadata: { generation: 1 }, spec: { replicas: 1 } }),
    ).toBe('StatefulSet peer0-p1: 0/1 ready');
  });
  it('waits while the controller has not seen the new template: the old pods are still ready', () => {
    expect(
      rolloutPending(
        'Deployment',
        'chaincode-p1',
        workload({ observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 }),
      ),
    ).toBe('Deployment chaincode-p1: its new spec is not observed yet');
  });
  it('waits for new replicas, and for the old ones to go', () => {
    expect(
      rolloutPending(
        'Deployment',
        'chaincode-p1',
        workload({ observedGeneration: 2, replicas: 2, updatedReplicas: 0, readyReplicas: 1 }),
      ),
    ).toBe('Deployment chaincode-p1: 0/1 updated, 1/1 ready');
    expect(
      rolloutPending(
        'Deployment',
        'chaincode-p1',
        workload({ observedGeneration: 2, replicas: 2, updatedReplicas: 1, readyReplicas: 2 }),
      ),
    ).toBe('Deployment chaincode-p1: 1 old replica still running');
  });
  it('waits for updated replicas to become ready', () => {
    expect(
      rolloutPending(
        'StatefulSet',
        'peer0-p1',
        workload({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, readyReplicas: 1 }, 2, 2),
      ),
    ).toBe('StatefulSet peer0-p1: 1/2 ready');
  });
});
