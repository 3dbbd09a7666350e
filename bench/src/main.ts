/**
 * `make bench`: each benchmark brings up a devnet of its own (temporary folder, ports from BENCH_PORT_BASE, default
 * 26000; one after the other, so they share the range), measures its goals as ratios within this one run, prints a
 * table, writes JSON to .bench/, and tears its devnet down — also on failure or Ctrl-C. `BENCH` picks some:
 * - `chaincode`: the baseline chaincode next to the EMR chaincode, the goals of issues 4 (chaincode) and 5 (REST
 *   gateway vs SDK);
 * - `onboarding`: issue 8's MedicalProvider applied → Ready through the operator, against `devnet add-provider`.
 */
import { createWriteStream } from 'node:fs';
import { loadavg } from 'node:os';
import { BenchNetwork, PROVIDER1 } from './bench-network';
import { measureAppendCost } from './benchmarks/append-cost';
import { measureThroughput } from './benchmarks/note-throughput';
import { measureOwnEmrLatency } from './benchmarks/own-emr-latency';
import { measureRestVsSdk, renderRestVsSdk, restVsSdkSettings } from './gateway-rest-vs-sdk';
import { measureOnboarding, ONBOARDING_TOPOLOGY } from './benchmarks/onboarding';
import { renderOnboarding } from './onboarding/report';
import { environment, renderTable, resultsPath, writeResults } from './report';
import { benchSettings, GOALS, selectedBenchmarks, type BenchSettings } from './settings';
import { round } from './stats';
import { Teardown } from './teardown';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const settings = benchSettings(process.env);
  const selected = selectedBenchmarks(process.env);
  if (selected.includes('chaincode')) await benchChaincode(settings);
  if (selected.includes('onboarding')) await benchOnboarding(settings);
}

async function benchChaincode(settings: BenchSettings): Promise<void> {
  const startedAt = new Date();
  const loadBefore = round(loadavg()[0] ?? 0, 2);
  const network = await BenchNetwork.start(settings.portBase);
  const interrupted = (): void => {
    log('interrupted: stopping the devnet');
    void network.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const healthCenter = await network.healthCenter(PROVIDER1);
    const physician = await network.physician(PROVIDER1);
    log('1/4 AddEmrNote latency by EMR size');
    const appendCost = await measureAppendCost(healthCenter, physician, settings, log);
    log('2/4 AddEmrNote throughput vs a bare public write');
    const throughput = await measureThroughput(healthCenter, physician, settings, log);
    log('3/4 GetOwnEmr latency under concurrent patients');
    const ownEmr = await measureOwnEmrLatency(network, healthCenter, physician, settings, log);
    log('4/4 AddEmrNote through the REST gateway vs the SDK');
    const restVsSdk = await measureRestVsSdk(network, PROVIDER1, restVsSdkSettings(process.env), log);
    const results = {
      startedAt: startedAt.toISOString(),
      durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      environment: environment(loadBefore),
      settings,
      goals: GOALS,
      appendCost,
      throughput,
      ownEmr,
      restVsSdk,
    };
    process.stdout.write(renderTable(results));
    process.stdout.write(renderRestVsSdk(restVsSdk));
    log(`results: ${await writeResults(results)}`);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await network.stop();
  }
}

async function benchOnboarding(settings: BenchSettings): Promise<void> {
  const startedAt = new Date();
  const loadBefore = round(loadavg()[0] ?? 0, 2);
  log(`onboarding: ${settings.onboarding.repetitions} × (operator, devnet add-provider)`);
  const teardown = new Teardown();
  const interrupted = (): void => {
    log('interrupted: stopping the operator, the API server and the devnet');
    void teardown.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let onboarding;
  try {
    // The operator's own log, for when a figure needs explaining (a step that failed and was retried).
    const operatorLog = createWriteStream(await resultsPath(startedAt, 'onboarding-operator', 'log'));
    teardown.add(() => new Promise((done) => operatorLog.end(done)));
    onboarding = await measureOnboarding(
      {
        portBase: settings.portBase,
        repetitions: settings.onboarding.repetitions,
        operatorLog: (line) => operatorLog.write(line),
      },
      teardown,
      log,
    );
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await teardown.run();
  }
  const results = {
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    environment: { ...environment(loadBefore), topology: ONBOARDING_TOPOLOGY },
    onboarding,
  };
  process.stdout.write(renderOnboarding(onboarding));
  log(`results: ${await writeResults(results, 'onboarding')}`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
