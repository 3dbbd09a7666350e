/**
 * What `make bench` measures and how much, with the goals of issue 4. Every count can be lowered through the
 * environment for a quick run (e.g. `BENCH_LARGE_NOTES=100 make bench`); the defaults are the goals' sizes.
 */
export interface BenchSettings {
  /** First devnet port; far from tests (17000+) and from a developer's `make devnet` (7000). */
  readonly portBase: number;
  /** UTF-8 bytes of every note text, and of the baseline's written value. */
  readonly noteBytes: number;
  readonly appendCost: {
    readonly smallNotes: number;
    readonly largeNotes: number;
    /** EMRs per size; samples rotate over them so that each grows by samples / emrsPerSize notes only. */
    readonly emrsPerSize: number;
    /** Sequential AddEmrNote submits per size, interleaved small/large. */
    readonly samples: number;
  };
  readonly throughput: {
    /** The goal's concurrency. */
    readonly inFlight: number;
    /** A second level where blocks fill up (MaxMessageCount) instead of being cut by BatchTimeout. */
    readonly saturationInFlight: number;
    /** Transactions per round; rounds alternate baseline and EMR so that drift hits both alike. */
    readonly transactionsPerRound: number;
    readonly rounds: number;
  };
  readonly onboarding: {
    /** Pairs of onboardings, one through the operator and one through the library each. */
    readonly repetitions: number;
  };
  readonly ownEmr: {
    readonly clients: number;
    readonly notesPerEmr: number;
    readonly warmupPerClient: number;
    /** Back-to-back reads per client (closed loop, no think time). */
    readonly requestsPerClient: number;
    /** Paced reads: each client sends one request per interval. */
    readonly pacedIntervalMs: number;
    readonly pacedRequestsPerClient: number;
  };
}

export const GOALS = {
  /** AddEmrNote latency at 1,000 notes ÷ at 10 notes. */
  appendCostRatio: 1.2,
  /** AddEmrNote throughput ÷ bare public write throughput. */
  throughputRatio: 0.7,
  /** GetOwnEmr p99 at 50 concurrent clients, milliseconds. */
  ownEmrP99Ms: 50,
} as const;

export function benchSettings(env: NodeJS.ProcessEnv): BenchSettings {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a positive integer, got ${raw}`);
    return value;
  };
  return {
    portBase: int('BENCH_PORT_BASE', 26000),
    noteBytes: int('BENCH_NOTE_BYTES', 1024),
    appendCost: {
      smallNotes: int('BENCH_SMALL_NOTES', 10),
      largeNotes: int('BENCH_LARGE_NOTES', 1000),
      emrsPerSize: int('BENCH_EMRS_PER_SIZE', 5),
      samples: int('BENCH_APPEND_SAMPLES', 50),
    },
    throughput: {
      inFlight: int('BENCH_IN_FLIGHT', 20),
      saturationInFlight: int('BENCH_SATURATION_IN_FLIGHT', 100),
      transactionsPerRound: int('BENCH_TX_PER_ROUND', 400),
      rounds: int('BENCH_ROUNDS', 3),
    },
    onboarding: { repetitions: int('BENCH_ONBOARDING_REPETITIONS', 5) },
    ownEmr: {
      clients: int('BENCH_CLIENTS', 50),
      notesPerEmr: int('BENCH_NOTES_PER_EMR', 5),
      warmupPerClient: int('BENCH_WARMUP', 5),
      requestsPerClient: int('BENCH_REQUESTS_PER_CLIENT', 40),
      pacedIntervalMs: int('BENCH_PACED_INTERVAL_MS', 1000),
      pacedRequestsPerClient: int('BENCH_PACED_REQUESTS_PER_CLIENT', 15),
    },
  };
}

/** The benchmarks `make bench` can run; `BENCH=onboarding make bench` (or a comma-separated list) picks some. */
export const BENCHMARKS = ['chaincode', 'onboarding'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export function selectedBenchmarks(env: NodeJS.ProcessEnv): readonly BenchmarkName[] {
  const raw = env['BENCH']?.trim() ?? '';
  if (raw === '') return BENCHMARKS;
  const names = raw.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(
      `BENCH names unknown benchmarks (${unknown.join(', ')}); known: ${BENCHMARKS.join(', ')}`,
    );
  return BENCHMARKS.filter((name) => names.includes(name));
}
