import type { BenchUser } from '../bench-network';
import { runConcurrently } from '../load';
import type { BenchSettings } from '../settings';
import { ratio, summarize, type LatencySummary } from '../stats';
import { addEmrNote, appendNotes, createEmr, textOfSize, type SubmitTiming } from '../transactions';

export interface AppendCostSide {
  readonly notesBefore: number;
  readonly notesAfter: number;
  /** Submit to commit status (the goal). */
  readonly latency: LatencySummary;
  /** Endorsement alone: where the chaincode's own work would show. */
  readonly endorse: LatencySummary;
}

export interface AppendCostResult {
  readonly small: AppendCostSide;
  readonly large: AppendCostSide;
  /** large ÷ small. */
  readonly ratio: { readonly p50: number; readonly p95: number; readonly endorseP50: number };
  /** The prefill of the large EMRs, by note number: median latency per tenth. */
  readonly prefill: {
    readonly seconds: number;
    readonly byNoteCount: readonly { readonly notes: string; readonly p50: number }[];
  };
}

/**
 * AddEmrNote latency on EMRs with many notes vs few. Each size has several EMRs; the sequential samples alternate
 * small/large and rotate over the EMRs of a size, so drift affects both sizes alike and each EMR grows little.
 */
export async function measureAppendCost(
  healthCenter: BenchUser,
  physician: BenchUser,
  settings: BenchSettings,
  log: (message: string) => void,
): Promise<AppendCostResult> {
  const { smallNotes, largeNotes, emrsPerSize, samples } = settings.appendCost;
  const small = await createEmrs(healthCenter, emrsPerSize);
  const large = await createEmrs(healthCenter, emrsPerSize);
  log(
    `prefill: ${emrsPerSize} EMRs with ${smallNotes} notes, ${emrsPerSize} with ${largeNotes} (one note per block each)`,
  );
  const started = Date.now();
  const prefill = await runConcurrently(2 * emrsPerSize, 2 * emrsPerSize, async (index) => {
    const isLarge = index >= emrsPerSize;
    const emrId = (isLarge ? large : small)[index % emrsPerSize] ?? '';
    const timings = isLarge
      ? await appendWithProgress(
          physician,
          emrId,
          largeNotes,
          settings.noteBytes,
          index === emrsPerSize ? log : undefined,
        )
      : await appendNotes(physician, emrId, 0, smallNotes, settings.noteBytes);
    return { isLarge, timings };
  });
  if (prefill.failures.length > 0) throw new Error(`prefill failed: ${prefill.failures[0] ?? ''}`);
  const prefillSeconds = (Date.now() - started) / 1000;

  log(`measure: ${samples} sequential AddEmrNote per size, alternating`);
  const smallTimings: SubmitTiming[] = [];
  const largeTimings: SubmitTiming[] = [];
  for (let i = 0; i < samples; i++) {
    smallTimings.push(
      await addEmrNote(physician, small[i % emrsPerSize] ?? '', textOfSize(settings.noteBytes)),
    );
    largeTimings.push(
      await addEmrNote(physician, large[i % emrsPerSize] ?? '', textOfSize(settings.noteBytes)),
    );
  }
  const grows = Math.ceil(samples / emrsPerSize);
  const smallSide = side(smallNotes, smallNotes + grows, smallTimings);
  const largeSide = side(largeNotes, largeNotes + grows, largeTimings);
  const largePrefill = prefill.results.filter((result) => result.isLarge).map((result) => result.timings);
  return {
    small: smallSide,
    large: largeSide,
    ratio: {
      p50: ratio(largeSide.latency.p50, smallSide.latency.p50),
      p95: ratio(largeSide.latency.p95, smallSide.latency.p95),
      endorseP50: ratio(largeSide.endorse.p50, smallSide.endorse.p50),
    },
    prefill: { seconds: Math.round(prefillSeconds), byNoteCount: byTenth(largePrefill, largeNotes) },
  };
}

async function createEmrs(healthCenter: BenchUser, count: number): Promise<string[]> {
  const created = await runConcurrently(count, count, () => createEmr(healthCenter));
  if (created.failures.length > 0) throw new Error(`CreateEmr failed: ${created.failures[0] ?? ''}`);
  return created.results;
}

async function appendWithProgress(
  physician: BenchUser,
  emrId: string,
  target: number,
  noteBytes: number,
  log: ((message: string) => void) | undefined,
): Promise<SubmitTiming[]> {
  const timings: SubmitTiming[] = [];
  const step = Math.max(1, Math.floor(target / 10));
  for (let done = 0; done < target; done += step) {
    timings.push(...(await appendNotes(physician, emrId, done, Math.min(target, done + step), noteBytes)));
    log?.(`prefill: ${Math.min(target, done + step)}/${target} notes`);
  }
  return timings;
}

function side(notesBefore: number, notesAfter: number, timings: readonly SubmitTiming[]): AppendCostSide {
  return {
    notesBefore,
    notesAfter,
    latency: summarize(timings.map((t) => t.totalMs)),
    endorse: summarize(timings.map((t) => t.endorseMs)),
  };
}

/** Median commit latency of the large EMRs' prefill per tenth of their notes (note 1–100, 101–200, …). */
function byTenth(
  perEmr: readonly (readonly SubmitTiming[])[],
  notes: number,
): { notes: string; p50: number }[] {
  const tenth = Math.max(1, Math.floor(notes / 10));
  const buckets: { notes: string; p50: number }[] = [];
  for (let from = 0; from < notes; from += tenth) {
    const to = Math.min(notes, from + tenth);
    const latencies = perEmr.flatMap((timings) => timings.slice(from, to).map((t) => t.totalMs));
    buckets.push({ notes: `${from + 1}-${to}`, p50: summarize(latencies).p50 });
  }
  return buckets;
}
