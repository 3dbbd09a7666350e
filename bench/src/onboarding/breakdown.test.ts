import { describe, expect, it } from '@jest/globals';
import { breakDown, medianBreakdown, type StepRun } from './breakdown';

const STEPS = ['CAReady', 'PeersReady', 'GatewayReady'];
const run = (
  step: string,
  startMs: number,
  endMs: number,
  outcome: StepRun['outcome'] = 'done',
): StepRun => ({
  step,
  startMs,
  endMs,
  outcome,
});

describe('onboarding breakdown by step', () => {
  it('charges a step for its runs and for the pause after a run that stopped the pipeline', () => {
    // Reconcile 1: CA done, peers not yet (requeued after 10 s); reconcile 2 runs every step again.
    const runs = [
      run('CAReady', 1_000, 1_500),
      run('PeersReady', 1_500, 2_000, 'pending'),
      run('CAReady', 12_000, 12_100),
      run('PeersReady', 12_100, 12_400),
      run('GatewayReady', 12_400, 13_400),
    ];
    const breakdown = breakDown(STEPS, runs, 0, 14_000);
    expect(breakdown.totalMs).toBe(14_000);
    expect(breakdown.firstReconcileMs).toBe(1_000);
    expect(breakdown.steps).toEqual([
      { step: 'CAReady', activeMs: 600, waitingMs: 0, share: 600 / 14_000, runs: 2 },
      { step: 'PeersReady', activeMs: 800, waitingMs: 10_000, share: 10_800 / 14_000, runs: 2 },
      { step: 'GatewayReady', activeMs: 1_000, waitingMs: 0, share: 1_000 / 14_000, runs: 1 },
    ]);
    // 14 000 − 1 000 − (600 + 10 800 + 1 000): the gaps between runs and after the last one.
    expect(breakdown.bookkeepingMs).toBe(600);
  });

  it('counts the pause after a failed run like a pending one, and ignores runs outside the onboarding', () => {
    const runs = [
      run('CAReady', -5_000, -4_000),
      run('CAReady', 100, 300, 'error'),
      run('CAReady', 2_300, 2_400),
      run('GatewayReady', 2_400, 2_900),
      run('CAReady', 9_000, 9_100),
    ];
    const breakdown = breakDown(STEPS, runs, 0, 3_000);
    expect(breakdown.steps.map((s) => [s.step, s.activeMs, s.waitingMs, s.runs])).toEqual([
      ['CAReady', 300, 2_000, 2],
      ['PeersReady', 0, 0, 0],
      ['GatewayReady', 500, 0, 1],
    ]);
    expect(breakdown.firstReconcileMs).toBe(100);
  });

  it('leaves out the reconcile that starts again after the last step completed, before Ready was seen', () => {
    const runs = [
      run('CAReady', 100, 200),
      run('PeersReady', 200, 300),
      run('GatewayReady', 300, 400),
      // Triggered by the operator's own status write; the benchmark's poll sees Ready at 700.
      run('CAReady', 450, 550),
      run('PeersReady', 550, 650),
    ];
    const breakdown = breakDown(STEPS, runs, 0, 700);
    expect(breakdown.steps.map((s) => [s.step, s.activeMs, s.runs])).toEqual([
      ['CAReady', 100, 1],
      ['PeersReady', 100, 1],
      ['GatewayReady', 100, 1],
    ]);
    expect(breakdown.bookkeepingMs).toBe(300);
  });

  it('attributes everything to the first reconcile when no step ran', () => {
    const breakdown = breakDown(STEPS, [], 0, 2_000);
    expect(breakdown.firstReconcileMs).toBe(2_000);
    expect(breakdown.bookkeepingMs).toBe(0);
    expect(breakdown.steps.every((s) => s.share === 0)).toBe(true);
  });

  it('takes the median of each figure on its own across onboardings', () => {
    const onboardings = [10_000, 30_000, 20_000].map((gatewayMs) =>
      breakDown(
        STEPS,
        [run('CAReady', 0, 1_000), run('GatewayReady', 1_000, 1_000 + gatewayMs)],
        0,
        2_000 + gatewayMs,
      ),
    );
    const median = medianBreakdown(onboardings);
    expect(median.totalMs).toBe(22_000);
    expect(median.steps.map((s) => [s.step, s.activeMs])).toEqual([
      ['CAReady', 1_000],
      ['PeersReady', 0],
      ['GatewayReady', 20_000],
    ]);
    expect(median.steps[0]?.share).toBe(1_000 / 22_000);
    expect(() => medianBreakdown([])).toThrow('no onboardings');
  });
});
