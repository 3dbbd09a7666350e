import { round, summarize, type LatencySummary } from './stats';
import { performance } from 'node:perf_hooks';

export interface LoadResult<T> {
  readonly results: T[];
  readonly failures: string[];
  readonly elapsedMs: number;
}

/**
 * Runs `count` operations with at most `inFlight` at a time (a closed loop: each worker starts its next operation
 * when the previous one ends). Failures are counted by message, not retried.
 */
export async function runConcurrently<T>(
  count: number,
  inFlight: number,
  operation: (index: number, worker: number) => Promise<T>,
): Promise<LoadResult<T>> {
  const results: T[] = [];
  const failures: string[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (id: number): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      try {
        results.push(await operation(index, id));
      } catch (err) {
        failures.push(firstLine(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, (_, id) => worker(id)));
  return { results, failures, elapsedMs: performance.now() - started };
}

/** Milliseconds `work` takes. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

export function firstLine(err: unknown): string {
  return String(err).split('\n')[0] ?? 'unknown error';
}

/** Failure messages counted, most frequent first. */
export function countFailures(failures: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const failure of failures) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1]));
}

/** Successful transactions per second of one load round. */
export function roundTps<T>(result: LoadResult<T> | undefined): number {
  return result === undefined ? 0 : round((result.results.length / result.elapsedMs) * 1000);
}

/** One side of a throughput comparison, over several rounds: goodput over their summed duration, latency. */
export interface ThroughputSide {
  readonly transactions: number;
  readonly failures: Record<string, number>;
  /** Committed-valid transactions per second over the rounds' summed duration. */
  readonly goodputTps: number;
  readonly latency: LatencySummary;
}

export function throughputSide<T>(
  rounds: readonly LoadResult<T>[],
  latencyMs: (result: T) => number,
): ThroughputSide {
  const results = rounds.flatMap((r) => r.results);
  const failures = rounds.flatMap((r) => r.failures);
  const elapsedMs = rounds.reduce((sum, r) => sum + r.elapsedMs, 0);
  return {
    transactions: results.length + failures.length,
    failures: countFailures(failures),
    goodputTps: round((results.length / elapsedMs) * 1000),
    latency: summarize(results.map(latencyMs)),
  };
}
