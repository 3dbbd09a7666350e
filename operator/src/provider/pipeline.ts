/**
 * Runs the steps of a provider in order until one is not done, and turns what they report into the next status:
 * one condition per step that ran, `Unknown`/`Pending` for steps not reached yet that have no condition, `Ready`
 * summarizing, a phase, and the fields steps set. Pure apart from the steps themselves.
 */
import { fabricErrorText } from '@emr/network';
import { mergeConditions, type ConditionUpdate, type Transition } from '../api/conditions';
import { READY, type MedicalProviderStatus, type Phase } from '../api/medical-provider';
import type { Step, StepContext, StepPending, StepResult } from './steps/types';

export interface StepReport {
  readonly step: Step;
  readonly result: StepResult;
  /** The step threw: `result` describes the error. */
  readonly error?: unknown;
}

export interface PipelineResult {
  readonly reports: readonly StepReport[];
  /** The step that is not done, if any. */
  readonly stoppedAt?: StepReport;
  readonly ready: boolean;
}

/** Default pause before re-checking a step that waits. */
export const DEFAULT_WAIT_MS = 10_000;

export async function runSteps(steps: readonly Step[], context: StepContext): Promise<PipelineResult> {
  const reports: StepReport[] = [];
  for (const step of steps) {
    let report: StepReport;
    try {
      report = { step, result: await step.run(context) };
    } catch (error) {
      context.logger.warn('step failed', { step: step.condition, error: fabricErrorText(error) });
      report = { step, error, result: { status: 'False', reason: 'Error', message: errorMessage(error) } };
    }
    reports.push(report);
    if (report.result.status !== 'True') return { reports, stoppedAt: report, ready: false };
  }
  return { reports, ready: true };
}

function errorMessage(error: unknown): string {
  const text = fabricErrorText(error).replace(/\s+/g, ' ').trim();
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

export interface NextStatus {
  readonly status: MedicalProviderStatus;
  readonly transitions: readonly Transition[];
}

/** The status after a pipeline run, keeping what it did not touch. */
export function nextStatus(
  steps: readonly Step[],
  previous: MedicalProviderStatus | undefined,
  fields: Omit<MedicalProviderStatus, 'conditions' | 'phase' | 'observedGeneration'>,
  pipeline: PipelineResult,
  generation: number,
  now: Date,
): NextStatus {
  const updates: ConditionUpdate[] = pipeline.reports.map(({ step, result }) => ({
    type: step.condition,
    status: result.status,
    reason: result.reason,
    message: result.message,
  }));
  const stopped = pipeline.stoppedAt;
  if (stopped) {
    const ran = new Set(pipeline.reports.map((r) => r.step.condition));
    for (const step of steps) {
      if (ran.has(step.condition) || previous?.conditions?.some((c) => c.type === step.condition)) continue;
      updates.push({
        type: step.condition,
        status: 'Unknown',
        reason: 'Pending',
        message: `waits for ${stopped.step.condition}`,
      });
    }
  }
  updates.push(readyCondition(pipeline));
  const { conditions, transitions } = mergeConditions(previous?.conditions, updates, generation, now);
  return {
    status: { ...fields, observedGeneration: generation, phase: phaseOf(pipeline), conditions },
    transitions,
  };
}

function readyCondition(pipeline: PipelineResult): ConditionUpdate {
  const stopped = pipeline.stoppedAt;
  if (!stopped) {
    return {
      type: READY,
      status: 'True',
      reason: 'Onboarded',
      message: 'every step is done: the provider is ready',
    };
  }
  return {
    type: READY,
    status: 'False',
    reason: stopped.result.reason,
    message: `${stopped.step.condition}: ${stopped.result.message}`,
  };
}

function phaseOf(pipeline: PipelineResult): Phase {
  const stopped = pipeline.stoppedAt;
  if (!stopped) return 'Ready';
  if ((stopped.result as StepPending).blocked === true) return 'Failed';
  return stopped.step.phase;
}

/** How long to wait before the next reconcile of a provider that is not ready (errors use backoff instead). */
export function waitAfter(pipeline: PipelineResult): number | undefined {
  const stopped = pipeline.stoppedAt;
  if (!stopped || stopped.error !== undefined) return undefined;
  return (stopped.result as StepPending).retryAfterMs ?? DEFAULT_WAIT_MS;
}
