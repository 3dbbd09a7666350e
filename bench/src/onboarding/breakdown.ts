/**
 * Where the time of one onboarding went, step by step. The operator runs its steps in order on every reconcile
 * and stops at the first that is not done; so a step costs the time spent inside it (active) plus, when it
 * stopped the run, the pause until the next reconcile picks the provider up again (waiting: a requeue delay or a
 * backoff). What is left of the total is the operator's own bookkeeping: reaching the first reconcile after the
 * apply, status writes, Events and finalizers between runs.
 */
import { median } from '../stats';

/** One call of one step's `run` for the provider being measured, on the benchmark's clock (ms). */
export interface StepRun {
  readonly step: string;
  readonly startMs: number;
  readonly endMs: number;
  /** `done`: the step's condition is True; `pending`: False/Unknown (the run stops there); `error`: it threw. */
  readonly outcome: 'done' | 'pending' | 'error';
}

export interface StepShare {
  readonly step: string;
  readonly activeMs: number;
  readonly waitingMs: number;
  /** (active + waiting) ÷ the onboarding's total. */
  readonly share: number;
  readonly runs: number;
}

export interface OnboardingBreakdown {
  readonly totalMs: number;
  /** From the apply to the first step's first run: informer event, work queue, finalizer. */
  readonly firstReconcileMs: number;
  /** total − first reconcile − every step's active and waiting time. */
  readonly bookkeepingMs: number;
  readonly steps: readonly StepShare[];
}

/**
 * Breaks one onboarding down; `steps` gives the order of the rows (steps that never ran get zeros). Only runs
 * from the apply until the last step first completes count: the reconcile that the operator's own writes trigger
 * (finalizer, status) may start again before the benchmark sees Ready, and that one belongs to no step's cost.
 */
export function breakDown(
  steps: readonly string[],
  runs: readonly StepRun[],
  appliedMs: number,
  readyMs: number,
): OnboardingBreakdown {
  const totalMs = readyMs - appliedMs;
  const lastStep = steps.at(-1);
  const completed = runs
    .filter((run) => run.step === lastStep && run.outcome === 'done' && run.startMs >= appliedMs)
    .reduce((first, run) => Math.min(first, run.startMs), readyMs);
  const inWindow = runs
    .filter((run) => run.startMs >= appliedMs && run.startMs <= completed && run.endMs <= readyMs)
    .sort((a, b) => a.startMs - b.startMs);
  const active = new Map<string, number>();
  const waiting = new Map<string, number>();
  const counts = new Map<string, number>();
  inWindow.forEach((run, index) => {
    active.set(run.step, (active.get(run.step) ?? 0) + (run.endMs - run.startMs));
    counts.set(run.step, (counts.get(run.step) ?? 0) + 1);
    const next = inWindow[index + 1];
    if (run.outcome !== 'done' && next !== undefined) {
      waiting.set(run.step, (waiting.get(run.step) ?? 0) + (next.startMs - run.endMs));
    }
  });
  const firstReconcileMs = inWindow[0] === undefined ? totalMs : inWindow[0].startMs - appliedMs;
  const rows = steps.map((step) => {
    const activeMs = active.get(step) ?? 0;
    const waitingMs = waiting.get(step) ?? 0;
    return {
      step,
      activeMs,
      waitingMs,
      share: totalMs > 0 ? (activeMs + waitingMs) / totalMs : 0,
      runs: counts.get(step) ?? 0,
    };
  });
  const accounted = rows.reduce((sum, row) => sum + row.activeMs + row.waitingMs, firstReconcileMs);
  return { totalMs, firstReconcileMs, bookkeepingMs: totalMs - accounted, steps: rows };
}

/** The median of each figure over several onboardings of the same steps (each row and column on its own). */
export function medianBreakdown(breakdowns: readonly OnboardingBreakdown[]): OnboardingBreakdown {
  const first = breakdowns[0];
  if (first === undefined) throw new Error('no onboardings to summarize');
  const of = (pick: (b: OnboardingBreakdown) => number): number => median(breakdowns.map(pick));
  return {
    totalMs: of((b) => b.totalMs),
    firstReconcileMs: of((b) => b.firstReconcileMs),
    bookkeepingMs: of((b) => b.bookkeepingMs),
    steps: first.steps.map((row, index) => {
      const at = (b: OnboardingBreakdown): StepShare =>
        b.steps[index] ?? { ...row, activeMs: 0, waitingMs: 0, share: 0, runs: 0 };
      return {
        step: row.step,
        activeMs: of((b) => at(b).activeMs),
        waitingMs: of((b) => at(b).waitingMs),
        share: of((b) => at(b).share),
        runs: of((b) => at(b).runs),
      };
    }),
  };
}
