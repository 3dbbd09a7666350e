/**
 * The operator's own onboarding steps, each wrapped to note when it ran for which provider and how it ended. The
 * steps themselves are untouched (the Operator accepts its step list as an option), so the benchmark times the
 * real reconcile; the condition timestamps alone cannot tell the steps apart, as a reconcile that completes
 * several steps writes them all in one status update (and with one-second resolution).
 */
import { PROVIDER_STEPS, type Step } from '@emr/operator';
import type { StepRun } from './breakdown';

export interface StepTimer {
  readonly steps: readonly Step[];
  /** The runs for `namespace/name` so far, in the order they started. */
  runsOf(key: string): readonly StepRun[];
}

export function newStepTimer(steps: readonly Step[] = PROVIDER_STEPS): StepTimer {
  const runs = new Map<string, StepRun[]>();
  const note = (key: string, run: StepRun): void => {
    const list = runs.get(key) ?? [];
    list.push(run);
    runs.set(key, list);
  };
  return {
    steps: steps.map((step): Step => ({
      ...step,
      run: async (context) => {
        const key = `${context.provider.metadata.namespace}/${context.provider.metadata.name}`;
        const startMs = performance.now();
        try {
          const result = await step.run(context);
          note(key, {
            step: step.condition,
            startMs,
            endMs: performance.now(),
            outcome: result.status === 'True' ? 'done' : 'pending',
          });
          return result;
        } catch (error) {
          note(key, { step: step.condition, startMs, endMs: performance.now(), outcome: 'error' });
          throw error;
        }
      },
    })),
    runsOf: (key) => runs.get(key) ?? [],
  };
}
