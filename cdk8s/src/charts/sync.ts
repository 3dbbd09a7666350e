#!/usr/bin/env node
/**
 * `make charts`: writes the generated chart templates (./render.ts). `--check`: exit 1 listing every file that
 * differs from the rendering, change nothing (CI, and the unit test).
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GENERATED_HEADER, renderChartFiles } from './render';

/** The repository root, from cdk8s/src/charts or cdk8s/dist/charts. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

const GENERATED_DIRS = ['charts/emr-operator/templates/crds', 'charts/emr-network/templates'];

/** Files that differ from the rendering (missing, changed, or generated but no longer rendered). */
export function outOfSync(root: string = REPO_ROOT): string[] {
  const files = renderChartFiles();
  const stale = [...files].filter(([path, content]) => {
    const file = join(root, path);
    return !existsSync(file) || readFileSync(file, 'utf8') !== content;
  });
  return [...stale.map(([path]) => path), ...orphans(root, files)];
}

function orphans(root: string, files: ReadonlyMap<string, string>): string[] {
  return GENERATED_DIRS.flatMap((dir) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .map((name) => `${dir}/${name}`)
          .filter((path) => path.endsWith('.yaml') && !files.has(path))
          .filter((path) => readFileSync(join(root, path), 'utf8').startsWith(GENERATED_HEADER))
      : [],
  );
}

export function writeChartFiles(root: string = REPO_ROOT): string[] {
  const files = renderChartFiles();
  for (const path of orphans(root, files)) rmSync(join(root, path));
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return [...files.keys()];
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = outOfSync();
    if (stale.length > 0) {
      process.stderr.write(
        `charts out of sync with the constructs (run \`make charts\`): ${stale.join(', ')}\n`,
      );
      process.exitCode = 1;
    }
  } else {
    for (const path of writeChartFiles()) process.stdout.write(`[charts] wrote ${path}\n`);
  }
}
