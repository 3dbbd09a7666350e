import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DevnetOptions } from './devnet';
import { DevnetError } from './processes';

/** The repository root, from network/dist/devnet or network/src/devnet. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

export interface DevnetEnvironment {
  /** State folder; default <repo>/.devnet (EMR_DEVNET_DIR). */
  readonly root?: string;
  /** First port; default 7000 (EMR_DEVNET_PORT_BASE). Tests use another base so they never touch a running devnet. */
  readonly portBase?: number;
  readonly providers?: number;
}

function toolsDir(): string {
  const fromEnv = process.env['EMR_TOOLS_DIR'];
  if (fromEnv) return fromEnv;
  return execFileSync(join(REPO_ROOT, 'scripts', 'tools.sh'), ['--print-dir'], { encoding: 'utf8' }).trim();
}

/** Resolves everything devnet needs on this machine and says clearly what is missing. */
export function devnetOptions(env: DevnetEnvironment = {}): DevnetOptions {
  const tools = toolsDir();
  const binDir = join(tools, 'bin');
  for (const binary of ['peer', 'orderer', 'fabric-ca-server']) {
    if (!existsSync(join(binDir, binary))) {
      throw new DevnetError(`${binary} is not installed in ${binDir}: run \`make tools\``);
    }
  }
  const chaincodeDir = join(REPO_ROOT, 'chaincode');
  if (!existsSync(join(chaincodeDir, 'dist', 'index.js'))) {
    throw new DevnetError(`the chaincode is not built (${chaincodeDir}/dist): run \`make build\``);
  }
  // The peer runs the builder with plain Node.js, so it is always the compiled one, also when tests run from sources.
  const builderScript = join(REPO_ROOT, 'network', 'dist', 'builder', 'ccaas-builder.js');
  if (!existsSync(builderScript)) {
    throw new DevnetError(`the network workspace is not built (${builderScript}): run \`make build\``);
  }
  const shimCli = require.resolve('fabric-shim/cli.js', { paths: [chaincodeDir] });
  return {
    settings: {
      root: env.root ?? process.env['EMR_DEVNET_DIR'] ?? join(REPO_ROOT, '.devnet'),
      portBase: env.portBase ?? Number(process.env['EMR_DEVNET_PORT_BASE'] ?? 7000),
      fabricConfig: join(tools, 'fabric-config'),
      chaincodeRuntime: { node: process.execPath, shimCli, modulePath: chaincodeDir },
    },
    binDir,
    builderScript,
    gatewayScript: join(REPO_ROOT, 'gateway', 'dist', 'server.js'),
    providers: env.providers ?? 2,
  };
}
