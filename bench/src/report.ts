import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { configtx, FABRIC_VERSION, REPO_ROOT } from '@emr/network';
import type { AppendCostResult } from './benchmarks/append-cost';
import type { ThroughputLevel, ThroughputResult } from './benchmarks/note-throughput';
import type { OwnEmrResult, ReadLoad } from './benchmarks/own-emr-latency';
import { ratio, round } from './stats';
import { GOALS, type BenchSettings } from './settings';

export interface Environment {
  readonly fabricVersion: string;
  readonly batch: { readonly timeout: string; readonly maxMessageCount: number };
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly topology: string;
  /** 1-minute load average of the host before and after the run: other work on the host skews every figure. */
  readonly loadAverage: { readonly before: number; readonly after: number };
}

export interface BenchResults {
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly environment: Environment;
  readonly settings: BenchSettings;
  readonly goals: typeof GOALS;
  readonly appendCost: AppendCostResult;
  readonly throughput: ThroughputResult;
  readonly ownEmr: OwnEmrResult;
}

export function environment(loadBefore: number): Environment {
  return {
    fabricVersion: FABRIC_VERSION,
    batch: {
      timeout: configtx.DEFAULT_BATCH.timeout,
      maxMessageCount: configtx.DEFAULT_BATCH.maxMessageCount,
    },
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: { before: loadBefore, after: round(loadavg()[0] ?? 0, 2) },
    topology:
      'devnet on one host: 3 Raft orderers; 2 provider orgs with 1 peer each (LevelDB) and a Node.js ' +
      'chaincode-as-a-service server each; TLS on every endpoint; endorsement by 1 org (AnyEndorsement); ' +
      'benchmark client on the same host, one gRPC connection per peer',
  };
}

const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

/** The summary table printed at the end of `make bench`. */
export function renderTable(results: BenchResults): string {
  const { appendCost: a, throughput: t, ownEmr: o, environment: e, settings: s } = results;
  const rows: string[][] = [
    ['goal', 'measured', 'ratio', 'goal', 'result'],
    [
      `AddEmrNote latency, ${a.large.notesBefore} vs ${a.small.notesBefore} notes`,
      `p50 ${a.large.latency.p50} vs ${a.small.latency.p50} ms; p95 ${a.large.latency.p95} vs ${a.small.latency.p95} ms`,
      `${a.ratio.p50} (p95 ${a.ratio.p95})`,
      `≤ ${GOALS.appendCostRatio}`,
      verdict(a.ratio.p50 <= GOALS.appendCostRatio && a.ratio.p95 <= GOALS.appendCostRatio),
    ],
    [
      '  endorsement alone (chaincode work)',
      `p50 ${a.large.endorse.p50} vs ${a.small.endorse.p50} ms`,
      String(a.ratio.endorseP50),
      '',
      '',
    ],
    throughputRow(`AddEmrNote vs bare public write, ${t.goal.inFlight} in flight`, t.goal, true),
    throughputRow(`  same, ${t.saturation.inFlight} in flight (blocks fill up)`, t.saturation, false),
    readRow(`GetOwnEmr p99, ${o.clients} clients × 1 req/${o.paced.intervalMs} ms`, o.paced.getOwnEmr, true),
    readRow('  baseline Get, same size and load', o.paced.baselineGet, false),
    readRow(`GetOwnEmr p99, ${o.clients} clients back to back`, o.backToBack.getOwnEmr, true),
    readRow('  baseline Get, same size and load', o.backToBack.baselineGet, false),
  ];
  const lines = renderColumns(rows);
  const failures = [
    t.goal.baseline.failures,
    t.goal.addEmrNote.failures,
    t.saturation.baseline.failures,
    t.saturation.addEmrNote.failures,
    o.paced.getOwnEmr.failures,
    o.paced.baselineGet.failures,
    o.backToBack.getOwnEmr.failures,
    o.backToBack.baselineGet.failures,
  ]
    .flatMap((counts) => Object.entries(counts))
    .map(([message, count]) => `  ${count}× ${message}`);
  return [
    '',
    `EMR chaincode benchmark — Fabric ${e.fabricVersion}, BatchTimeout ${e.batch.timeout} (MaxMessageCount ${e.batch.maxMessageCount}), ${e.cpus} CPUs (${e.cpuModel}), ${e.memoryGiB} GiB, Node.js ${e.node}`,
    e.topology,
    `host load average (1 min): ${e.loadAverage.before} before, ${e.loadAverage.after} after (${e.cpus} CPUs; anything else running skews the figures)`,
    `payloads: note text ${s.noteBytes} B (transient), baseline value ${s.noteBytes} B; GetOwnEmr response ${o.responseBytes} B (${o.notesPerEmr} notes), baseline Get value as large`,
    '',
    ...lines,
    '',
    `AddEmrNote p50 while filling the large EMRs, by note number: ${a.prefill.byNoteCount.map((b) => `${b.notes}: ${b.p50}`).join(', ')} ms (${a.prefill.seconds} s)`,
    ...(failures.length > 0 ? ['failed requests:', ...failures] : ['no failed transactions or reads']),
    '',
  ].join('\n');
}

/** Rows as left-aligned columns two spaces apart, the first row being the header. */
export function renderColumns(rows: readonly (readonly string[])[]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

function throughputRow(title: string, level: ThroughputLevel, isGoal: boolean): string[] {
  return [
    title,
    `${level.addEmrNote.goodputTps} vs ${level.baseline.goodputTps} tx/s; p50 ${level.addEmrNote.latency.p50} vs ${level.baseline.latency.p50} ms`,
    String(level.ratio),
    isGoal ? `≥ ${GOALS.throughputRatio}` : '',
    isGoal ? verdict(level.ratio >= GOALS.throughputRatio) : '',
  ];
}

function readRow(title: string, load: ReadLoad, isGoal: boolean): string[] {
  return [
    title,
    `p99 ${load.latency.p99} ms, p50 ${load.latency.p50} ms, ${load.throughputPerSecond} req/s`,
    isGoal ? `${ratio(load.latency.p99, GOALS.ownEmrP99Ms)} of goal` : '',
    isGoal ? `≤ ${GOALS.ownEmrP99Ms} ms` : '',
    isGoal ? verdict(load.latency.p99 <= GOALS.ownEmrP99Ms) : '',
  ];
}

/**
 * Writes results as JSON to .bench/ (git-ignored): a timestamped file and a latest copy — `emr-bench-*.json` and
 * `latest.json` for the chaincode benchmarks, `<prefix>-*.json` and `<prefix>-latest.json` for the others.
 */
export async function writeResults(
  results: { readonly startedAt: string },
  prefix = 'emr-bench',
): Promise<string> {
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const file = await resultsPath(new Date(results.startedAt), prefix, 'json');
  await writeFile(file, json);
  await writeFile(
    join(dirname(file), prefix === 'emr-bench' ? 'latest.json' : `${prefix}-latest.json`),
    json,
  );
  return file;
}

/** `.bench/<prefix>-<start time>.<extension>`, creating .bench/ (git-ignored). */
export async function resultsPath(startedAt: Date, prefix: string, extension: string): Promise<string> {
  const dir = join(REPO_ROOT, '.bench');
  await mkdir(dir, { recursive: true });
  return join(dir, `${prefix}-${startedAt.toISOString().replace(/[:.]/g, '-')}.${extension}`);
}
