import { describe, expect, it } from '@jest/globals';
import { SILENT } from '../logger';
import type { MedicalProviderStatus, StepConditionType } from '../api/medical-provider';
import { nextStatus, runSteps, waitAfter } from './pipeline';
import { blocked, done, waiting, type Step, type StepContext, type StepResult } from './steps/types';

function step(condition: StepConditionType, result: StepResult | Error, calls: string[]): Step {
  return {
    condition,
    phase: 'Provisioning',
    run: () => {
      calls.push(condition);
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
    },
  };
}

const context = { logger: SILENT } as unknown as StepContext;
const NOW = new Date('2026-05-01T08:00:00Z');

describe('runSteps and nextStatus', () => {
  it('runs every step in order and reports Ready with phase Ready', async () => {
    const calls: string[] = [];
    const steps = [step('CAReady', done('A', 'a'), calls), step('IdentitiesEnrolled', done('B', 'b'), calls)];
    const result = await runSteps(steps, context);
    expect(calls).toEqual(['CAReady', 'IdentitiesEnrolled']);
    const { status, transitions } = nextStatus(steps, undefined, { channel: 'emr' }, result, 7, NOW);
    expect(status).toMatchObject({ observedGeneration: 7, phase: 'Ready', channel: 'emr' });
    expect(status.conditions?.map((c) => [c.type, c.status, c.observedGeneration])).toEqual([
      ['CAReady', 'True', 7],
      ['IdentitiesEnrolled', 'True', 7],
      ['Ready', 'True', 7],
    ]);
    expect(transitions.map((t) => t.type)).toEqual(['CAReady', 'IdentitiesEnrolled', 'Ready']);
    expect(waitAfter(result)).toBeUndefined();
  });

  it('stops at a waiting step: later steps are Unknown/Pending, Ready is False with its reason', async () => {
    const calls: string[] = [];
    const steps = [
      step('CAReady', done('A', 'a'), calls),
      step(
        'ChannelMembershipApproved',
        waiting('AwaitingApproval', 'waiting for Provider2MSP', 15_000),
        calls,
      ),
      step('ChannelUpdated', done('C', 'c'), calls),
    ];
    steps[1] = { ...steps[1]!, phase: 'AwaitingApproval' };
    const result = await runSteps(steps, context);
    expect(calls).toEqual(['CAReady', 'ChannelMembershipApproved']);
    const { status } = nextStatus(steps, undefined, {}, result, 1, NOW);
    expect(status.phase).toBe('AwaitingApproval');
    expect(status.conditions?.find((c) => c.type === 'ChannelUpdated')).toMatchObject({
      status: 'Unknown',
      reason: 'Pending',
      message: 'waits for ChannelMembershipApproved',
    });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'AwaitingApproval',
      message: 'ChannelMembershipApproved: waiting for Provider2MSP',
    });
    expect(waitAfter(result)).toBe(15_000);
  });

  it('keeps the condition of a step not reached when it has one already', async () => {
    const calls: string[] = [];
    const steps = [
      step('CAReady', waiting('CAStarting', 'starting'), calls),
      step('GatewayReady', done('G', 'g'), calls),
    ];
    const previous: MedicalProviderStatus = {
      conditions: [
        {
          type: 'GatewayReady',
          status: 'True',
          observedGeneration: 1,
          lastTransitionTime: '2026-04-01T00:00:00Z',
          reason: 'GatewayRunning',
          message: 'runs',
        },
      ],
    };
    const { status } = nextStatus(steps, previous, {}, await runSteps(steps, context), 2, NOW);
    expect(status.conditions?.find((c) => c.type === 'GatewayReady')).toEqual(previous.conditions?.[0]);
  });

  it('turns a thrown error into a False condition with reason Error and no wait (backoff instead)', async () => {
    const calls: string[] = [];
    const steps = [step('CAReady', new Error('connect ECONNREFUSED 127.0.0.1:7054'), calls)];
    const result = await runSteps(steps, context);
    expect(result.stoppedAt?.error).toBeInstanceOf(Error);
    const { status } = nextStatus(steps, undefined, {}, result, 1, NOW);
    expect(status.conditions?.[0]).toMatchObject({ status: 'False', reason: 'Error' });
    expect(status.conditions?.[0]?.message).toContain('ECONNREFUSED');
    expect(waitAfter(result)).toBeUndefined();
  });

  it('shows phase Failed for a blocked step', async () => {
    const steps = [step('ChannelMembershipApproved', blocked('ConsentRefused', 'no'), [])];
    const { status } = nextStatus(steps, undefined, {}, await runSteps(steps, context), 1, NOW);
    expect(status.phase).toBe('Failed');
  });
});
