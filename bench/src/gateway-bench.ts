/**
 * The REST gateway benchmark of issue 5 on its own: `node bench/dist/gateway-bench.js`. A devnet of its own
 * (temporary folder, ports from BENCH_GATEWAY_PORT_BASE, default 23600), AddEmrNote through provider 1's REST
 * gateway vs directly through the SDK at the same concurrency, the gateway's memory at rest and under load; a
 * table on stderr, the JSON result on stdout. `measureRestVsSdk` can also be called from the main benchmark.
 */
import { BenchNetwork, PROVIDER1 } from './bench-network';
import { measureRestVsSdk, renderRestVsSdk, restVsSdkSettings } from './gateway-rest-vs-sdk';

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const settings = restVsSdkSettings(process.env);
  const network = await BenchNetwork.start(Number(process.env['BENCH_GATEWAY_PORT_BASE'] ?? 23600));
  try {
    const result = await measureRestVsSdk(network, PROVIDER1, settings, log);
    process.stderr.write(renderRestVsSdk(result));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await network.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
