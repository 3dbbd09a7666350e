import type { BenchUser } from '../bench-network';
import { roundTps, runConcurrently, throughputSide, type LoadResult, type ThroughputSide } from '../load';
import type { BenchSettings } from '../settings';
import { ratio } from '../stats';
import { addEmrNote, baselinePut, createEmr, textOfSize, type SubmitTiming } from '../transactions';

export type { ThroughputSide } from '../load';

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
      `${load.slots} in flight, round ${r + 1}/${load.roundCount}: baseline ${roundTps(baselineRounds.at(-1))} tx/s, AddEmrNote ${roundTps(emrRounds.at(-1))} tx/s`,
    );
  }
  const baseline = throughputSide(baselineRounds, (t) => t.totalMs);
  const addNote = throughputSide(emrRounds, (t) => t.totalMs);
  return {
    inFlight: load.slots,
    rounds: load.roundCount,
    baseline,
    addEmrNote: addNote,
    ratio: ratio(addNote.goodputTps, baseline.goodputTps),
  };
}
