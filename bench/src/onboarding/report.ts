/** The onboarding benchmark's table, printed by `make bench` after the chaincode tables. */
import type { OnboardingResult } from '../benchmarks/onboarding';
import { renderColumns } from '../report';
import { ratio, round } from '../stats';

const seconds = (ms: number): string => `${round(ms / 1000)} s`;
const percent = (share: number): string => `${round(share * 100)} %`;

export function renderOnboarding(result: OnboardingResult): string {
  const { operator, libraryMs } = result.median;
  const met = operator.totalMs < result.goalSeconds * 1000;
  const each = (runs: readonly { provider: string; ms: number }[]): string =>
    runs.map((r) => `${r.provider} ${seconds(r.ms)}`).join(', ');
  const goal = renderColumns([
    ['goal', 'measured (median)', 'ratio', 'goal', 'result'],
    [
      'MedicalProvider applied → Ready, operator',
      seconds(operator.totalMs),
      `${result.ratio} of devnet add-provider`,
      `< ${result.goalSeconds} s`,
      met ? 'met' : 'MISSED',
    ],
    ['  baseline: devnet add-provider (library)', seconds(libraryMs), '', '', ''],
  ]);
  const trueAfter = (step: string): string => {
    const values = result.operator
      .map((r) => r.conditionTrueAfterSeconds[step])
      .filter((v): v is number => v !== undefined);
    return values.length === 0 ? '' : values.join(' / ');
  };
  const steps = renderColumns([
    [
      'operator step (median)',
      'in the step',
      'waiting after it',
      'share',
      'runs',
      'condition True after (s)',
    ],
    [
      'apply → first reconcile',
      seconds(operator.firstReconcileMs),
      '',
      percent(ratio(operator.firstReconcileMs, operator.totalMs)),
      '',
      '',
    ],
    ...operator.steps.map((row) => [
      `  ${row.step}`,
      seconds(row.activeMs),
      row.waitingMs > 0 ? seconds(row.waitingMs) : '',
      percent(row.share),
      String(row.runs),
      trueAfter(row.step),
    ]),
    [
      'status writes, Events, between runs',
      seconds(operator.bookkeepingMs),
      '',
      percent(ratio(operator.bookkeepingMs, operator.totalMs)),
      '',
      '',
    ],
  ]);
  return [
    '',
    `Onboarding a provider on devnet — ${result.repetitions} through the operator, ${result.repetitions} through the library, alternating; medians`,
    ...goal,
    `  operator: ${each(result.operator.map((r) => ({ provider: r.provider, ms: r.breakdown.totalMs })))}`,
    `  library:  ${each(result.library.map((r) => ({ provider: r.provider, ms: r.totalMs })))}`,
    '',
    ...steps,
    '(median of each cell on its own, so the rows need not add up to the total; "condition True after": each',
    " onboarding's lastTransitionTime − creationTimestamp, 1 s resolution; steps done in one reconcile share it)",
    '',
  ].join('\n');
}
