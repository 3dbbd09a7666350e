/**
 * Locates the real Fabric binaries and sample configuration that scripts/tools.sh builds, and runs them, so tests can
 * compare our TypeScript output with configtxgen/configtxlator and start real nodes.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Where the pinned Fabric tools live. */
export interface FabricTools {
  /** Folder of orderer, peer, configtxgen, configtxlator, osnadmin. */
  readonly binDir: string;
  /** Fabric's sampleconfig (orderer.yaml, core.yaml, configtx.yaml, msp/): FABRIC_CFG_PATH for nodes. */
  readonly configDir: string;
}

/**
 * The tools built by `scripts/tools.sh` (EMR_TOOLS_DIR, which the Makefile exports, else the script's answer), or
 * why they cannot be used.
 */
export function findFabricTools(): FabricTools | { readonly missing: string } {
  const dir =
    process.env['EMR_TOOLS_DIR'] ??
    execFileSync('bash', [path.join(REPO_ROOT, 'scripts/tools.sh'), '--print-dir'], {
      encoding: 'utf8',
    }).trim();
  const tools = { binDir: path.join(dir, 'bin'), configDir: path.join(dir, 'fabric-config') };
  for (const required of [
    path.join(tools.binDir, 'configtxgen'),
    path.join(tools.binDir, 'configtxlator'),
    path.join(tools.binDir, 'orderer'),
    path.join(tools.configDir, 'orderer.yaml'),
  ]) {
    if (!existsSync(required)) return { missing: `${required} not found: run scripts/tools.sh first` };
  }
  return tools;
}

/** Runs Fabric tool `name` and returns its stdout; rejects with its stderr on a non-zero exit. */
export async function runFabricTool(
  tools: FabricTools,
  name: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<Buffer> {
  try {
    const { stdout } = await execFileAsync(path.join(tools.binDir, name), args, {
      encoding: 'buffer',
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`${name} ${args.join(' ')} failed: ${stderr}`, { cause: error });
  }
}

/**
 * Decodes the protobuf `file` of `type` (e.g. 'common.Block') to JSON with `configtxlator proto_decode`, through
 * `<file>.json`: configtxlator opens /dev/stdout, which fails when stdout is a socket as Node's child stdio is.
 */
export async function protoDecode(tools: FabricTools, type: string, file: string): Promise<unknown> {
  const output = `${file}.json`;
  await runFabricTool(tools, 'configtxlator', [
    'proto_decode',
    '--type',
    type,
    '--input',
    file,
    '--output',
    output,
  ]);
  return JSON.parse(await readFile(output, 'utf8')) as unknown;
}
