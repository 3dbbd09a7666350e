import { describe, expect, it } from '@jest/globals';
import { networkConditions, networkPhase } from './conditions';

describe('networkConditions', () => {
  it('reports the steps not reached as Unknown/Pending and Ready with the reason of the first step not done', () => {
    const updates = networkConditions(
      [
        {
          type: 'OrderersReady',
          status: 'False',
          reason: 'CAStarting',
          message: 'waiting for StatefulSet ca-orderer',
        },
      ],
      'emr',
    );
    expect(updates).toEqual([
      {
        type: 'OrderersReady',
        status: 'False',
        reason: 'CAStarting',
        message: 'waiting for StatefulSet ca-orderer',
      },
      {
        type: 'ChannelCreated',
        status: 'Unknown',
        reason: 'Pending',
        message: 'an earlier condition is not True yet',
      },
      {
        type: 'Ready',
        status: 'False',
        reason: 'CAStarting',
        message: 'OrderersReady: waiting for StatefulSet ca-orderer',
      },
    ]);
    expect(networkPhase(updates, false)).toBe('Pending');
    expect(networkPhase(updates, true)).toBe('Provisioning');
  });

  it('is Ready when both steps are done, Failed when a step threw', () => {
    const done = networkConditions(
      [
        { type: 'OrderersReady', status: 'True', reason: 'OrderersRunning', message: '3 orderers' },
        { type: 'ChannelCreated', status: 'True', reason: 'Created', message: 'channel emr' },
      ],
      'emr',
    );
    expect(done.at(-1)).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'Ready',
      message: 'channel emr is open',
    });
    expect(networkPhase(done, true)).toBe('Ready');
    const failed = networkConditions(
      [
        { type: 'OrderersReady', status: 'True', reason: 'OrderersRunning', message: '3 orderers' },
        { type: 'ChannelCreated', status: 'False', reason: 'Error', message: 'join refused' },
      ],
      'emr',
    );
    expect(networkPhase(failed, true)).toBe('Failed');
  });
});
