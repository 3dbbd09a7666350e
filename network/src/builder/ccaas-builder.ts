/**
 * A chaincode-as-a-service external builder for peers that run as local processes (the Go module of Fabric's
 * ccaas_builder is not served here; peer images ship their own at /opt/hyperledger/ccaas_builder).
 * Contract (Fabric docs, "External Builders and Launchers"): detect SRC META · build SRC META OUT · release OUT RELEASE.
 * connection.json values are templates such as `{{.address}}`, filled from the JSON object in
 * CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, so one package serves every org.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CONFIG_ENV = 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG';

export function claims(metadataDir: string): boolean {
  const metadata = JSON.parse(readFileSync(join(metadataDir, 'metadata.json'), 'utf8')) as { type?: unknown };
  return typeof metadata.type === 'string' && metadata.type.toLowerCase() === 'ccaas';
}

/** Replaces `{{.key}}` in every string value; a key missing from the config is an error, not an empty string. */
export function renderConnection(
  template: Record<string, unknown>,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const render = (value: string): string =>
    value.replace(/\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => {
      const replacement = config[key];
      if (typeof replacement !== 'string') {
        throw new Error(`${CONFIG_ENV} has no string "${key}" for connection.json`);
      }
      return replacement;
    });
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [key, typeof value === 'string' ? render(value) : value]),
  );
}

function build(sourceDir: string, metadataDir: string, outputDir: string): void {
  const template = JSON.parse(readFileSync(join(sourceDir, 'connection.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const config = JSON.parse(process.env[CONFIG_ENV] ?? '{}') as Record<string, unknown>;
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, 'connection.json'), JSON.stringify(renderConnection(template, config)), {
    mode: 0o600,
  });
  cpSync(join(metadataDir, 'metadata.json'), join(outputDir, 'metadata.json'));
  if (existsSync(join(sourceDir, 'META-INF'))) {
    cpSync(join(sourceDir, 'META-INF'), join(outputDir, 'META-INF'), { recursive: true });
  }
}

function release(outputDir: string, releaseDir: string): void {
  const serverDir = join(releaseDir, 'chaincode', 'server');
  mkdirSync(serverDir, { recursive: true });
  cpSync(join(outputDir, 'connection.json'), join(serverDir, 'connection.json'));
  const indexes = join(outputDir, 'META-INF', 'statedb');
  if (existsSync(indexes)) {
    cpSync(indexes, join(releaseDir, 'statedb'), { recursive: true });
  }
}

const COMMANDS: Readonly<Record<string, (args: readonly string[]) => number>> = {
  detect: (args) => (claims(args[1] ?? '') ? 0 : 1),
  build: (args) => {
    build(args[0] ?? '', args[1] ?? '', args[2] ?? '');
    return 0;
  },
  release: (args) => {
    release(args[0] ?? '', args[1] ?? '');
    return 0;
  },
};

/** Entry point: `node ccaas-builder.js <detect|build|release> args…`; exit 1 = not claimed / failed. */
export function main(argv: readonly string[]): number {
  const [command = '', ...args] = argv;
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write('usage: ccaas-builder detect|build|release …\n');
    return 2;
  }
  try {
    return run(args);
  } catch (err) {
    process.stderr.write(`ccaas-builder ${command}: ${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
