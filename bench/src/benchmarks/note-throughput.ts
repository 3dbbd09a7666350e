import type { BenchUser } from '../bench-network';
import { countFailures, runConcurrently, type LoadResult } from '../load';
import type { BenchSettings } from '../settings';
import { ratio, round, summarize, type LatencySummary } from '../stats';
import { addEmrNote, baselinePut, createEmr, textOfSize, type SubmitTiming } from '../transactions';

export interface ThroughputSide {
  readonly transactions: number;
  readonly failures: Record<string, number>;
  /** Committed-valid transactions per second over the rounds' summed duration. */
  readonly goodputTps: number;
  readonly latency: LatencySummary;
}

export interface ThroughputLevel {
  readonly inFlight: number;
  readonly rounds: number;
  readonly baseline: ThroughputSide;
  readonly addEmrNote: ThroughputSide;
  /** AddEmrNote goodput ÷ baseline goodput. */
  readonly ratio: number;
}

export interface ThroughputResult {
  /** At the goal's concurrency. */
  readonly goal: ThroughputLevel;
  /** At a concurrency that fills blocks, so that CPU rather than BatchTimeout bounds both sides. */
  readonly saturation: ThroughputLevel;
}

/**
 * AddEmrNote goodput vs a bare public write of the same size (baseline chaincode `Put`): same client, same peer,
 * same endorsement, the same number of transactions in flight. Each in-flight slot writes its own EMR (no MVCC
 * conflicts, as with one physician per patient) or its own key. Rounds alternate baseline and EMR.
 */
export async function measureThroughput(
  healthCenter: BenchUser,
  physician: BenchUser,
  settings: BenchSettings,
  log: (message: string) => void,
): Promise<ThroughputResult> {
  const { inFlight, saturationInFlight, transactionsPerRound, rounds } = settings.throughput;
  const level = (slots: number, roundCount: number, perRound: number): Promise<ThroughputLevel> =>
    measureLevel(healthCenter, physician, settings.noteBytes, { slots, roundCount, perRound }, log);
  return {
    goal: await level(inFlight, rounds, transactionsPerRound),
    saturation: await level(saturationInFlight, 1, Math.max(transactionsPerRound, 5 * saturationInFlight)),
  };
}

async function measureLevel(
  healthCenter: BenchUser,
  physician: BenchUser,
  noteBytes: number,
  load: { readonly slots: number; readonly roundCount: number; readonly perRound: number },
  log: (message: string) => void,
): Promise<ThroughputLevel> {
  const emrs = await runConcurrently(load.slots, 10, () => createEmr(healthCenter));
  if (emrs.results.length !== load.slots) throw new Error(`CreateEmr failed: ${emrs.failures[0] ?? ''}`);
  const baselineRounds: LoadResult<SubmitTiming>[] = [];
  const emrRounds: LoadResult<SubmitTiming>[] = [];
  for (let r = 0; r < load.roundCount; r++) {
    baselineRounds.push(
      await runConcurrently(load.perRound, load.slots, (index) =>
        baselinePut(physician, `in${load.slots}-round${r}-${index}`, textOfSize(noteBytes)),
      ),
    );
    emrRounds.push(
      await runConcurrently(load.perRound, load.slots, (_, slot) =>
        addEmrNote(physician, emrs.results[slot] ?? '', textOfSize(noteBytes)),
      ),
    );
    log(
      `${load.slots} in flight, round ${r + 1}/${load.roundCount}: baseline ${tps(baselineRounds.at(-1))} tx/s, AddEmrNote ${tps(emrRounds.at(-1))} tx/s`,
    );
  }
  const baseline = sideOf(baselineRounds);
  const addNote = sideOf(emrRounds);
  return {
    inFlight: load.slots,
    rounds: load.roundCount,
    baseline,
    addEmrNote: addNote,
    ratio: ratio(addNote.goodputTps, baseline.goodputTps),
  };
}

function tps(result: LoadResult<SubmitTiming> | undefined): number {
  return result === undefined ? 0 : round((result.results.length / result.elapsedMs) * 1000);
}

function sideOf(rounds: readonly LoadResult<SubmitTiming>[]): ThroughputSide {
  const results = rounds.flatMap((r) => r.results);
  const failures = rounds.flatMap((r) => r.failures);
  const elapsedMs = rounds.reduce((sum, r) => sum + r.elapsedMs, 0);
  return {
    transactions: results.length + failures.length,
    failures: countFailures(failures),
    goodputTps: round((results.length / elapsedMs) * 1000),
    latency: summarize(results.map((t) => t.totalMs)),
  };
}
