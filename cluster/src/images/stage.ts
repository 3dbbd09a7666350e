/**
 * Stages an image's files as a tree (<dir>/rootfs/<path in the image>) with normalized owners and modes: the
 * Docker build context, and the one layer the engine-free build inserts on top of the base. Also computes the
 * image's input hash, so a rerun with nothing changed skips the build.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { ClusterError, run } from '../exec';
import type { FileSource, ImageDescription } from './description';
import { effectiveUser } from './dockerfile';
import { NODE_VERSION } from './catalog';
import { productionPackages, type InstalledPackage } from './node-modules';

export interface SourceContext {
  readonly repoRoot: string;
  readonly toolsBin: string;
  readonly fabricConfig: string;
  /** Folder for compiled helpers (pause) and a downloaded Node.js, outside the repository. */
  readonly cacheDir: string;
}

const KUBERNETES_MODULE = 'k8s.io/kubernetes@v1.35.4';

async function goModuleDir(module: string, cacheDir: string): Promise<string> {
  const work = join(cacheDir, 'go-module');
  await mkdir(work, { recursive: true });
  if (!existsSync(join(work, 'go.mod'))) await run('go', ['mod', 'init', 'emr-images/pause'], { cwd: work });
  const result = await run('go', ['mod', 'download', '-json', module], {
    cwd: work,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
  });
  return (JSON.parse(result.stdout) as { Dir: string }).Dir;
}

/** Kubernetes' pause.c, compiled statically as upstream does (build/pause/Makefile). */
async function pauseBinary(context: SourceContext): Promise<string> {
  const out = join(context.cacheDir, 'pause', 'pause-3.10.1');
  if (!existsSync(out)) {
    const source = join(
      await goModuleDir(KUBERNETES_MODULE, context.cacheDir),
      'build',
      'pause',
      'linux',
      'pause.c',
    );
    await mkdir(dirname(out), { recursive: true });
    await run('gcc', [
      '-Os',
      '-Wall',
      '-Werror',
      '-static',
      '-DVERSION=v3.10.1-emr',
      '-o',
      `${out}.tmp`,
      source,
    ]);
    await run('strip', [`${out}.tmp`]);
    await run('mv', [`${out}.tmp`, out]);
  }
  return out;
}

/** The project's Node.js 24 (scripts/node.sh puts it in .tools/node); else the same `node` package in the cache. */
async function nodeBinary(context: SourceContext): Promise<string> {
  const candidates = [
    join(context.repoRoot, '.tools', 'node', 'node_modules', 'node', 'bin', 'node'),
    join(context.cacheDir, 'node', 'node_modules', 'node', 'bin', 'node'),
  ];
  for (const candidate of candidates) {
    if (existsSync(candidate) && lstatSync(candidate).size > 10_000_000) {
      const version = (await run(candidate, ['--version'])).stdout.trim();
      if (version === `v${NODE_VERSION}`) return candidate;
    }
  }
  const prefix = join(context.cacheDir, 'node');
  await run('npm', [
    'install',
    '--prefix',
    prefix,
    '--no-save',
    '--no-audit',
    '--no-fund',
    `node@${NODE_VERSION}`,
  ]);
  return candidates[1] ?? '';
}

/** A source's files on this machine: one path, or a workspace's production packages. */
async function resolveSource(
  source: FileSource,
  context: SourceContext,
): Promise<{ path: string } | { packages: InstalledPackage[] } | { text: string } | { emptyDir: true }> {
  switch (source.kind) {
    case 'tool':
      return { path: join(context.toolsBin, source.name) };
    case 'fabric-config':
      return { path: join(context.fabricConfig, source.path) };
    case 'repo':
      return { path: join(context.repoRoot, source.path) };
    case 'node':
      return { path: await nodeBinary(context) };
    case 'pause':
      return { path: await pauseBinary(context) };
    case 'production-node-modules':
      return { packages: productionPackages(join(context.repoRoot, source.workspace), context.repoRoot) };
    case 'text':
      return { text: source.content };
    case 'empty-dir':
      return { emptyDir: true };
  }
}

function missing(path: string, source: FileSource): ClusterError {
  const hint = source.kind === 'tool' || source.kind === 'fabric-config' ? 'make tools' : 'make build';
  return new ClusterError(`image source ${path} is missing: run \`${hint}\` first`);
}

/**
 * What identifies the files below a path. `content`: relative names, modes and bytes (the repository's build
 * outputs, small, rewritten by every build with the same bytes). Otherwise names, sizes, mtimes and modes (the
 * toolchain's binaries and installed packages: large, and rewritten only when they really change).
 */
function signature(
  path: string,
  hash: ReturnType<typeof createHash>,
  options: { readonly content: boolean; readonly skip?: (name: string) => boolean },
  base = path,
): void {
  const stat = statSync(path);
  const name = relative(base, path);
  if (options.content) {
    hash.update(`${name}\0${stat.mode}\n`);
    if (stat.isFile()) hash.update(readFileSync(path));
  } else {
    hash.update(`${name}\0${stat.size}\0${stat.mtimeMs}\0${stat.mode}\n`);
  }
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path).sort()) {
      if (!options.skip?.(entry)) signature(join(path, entry), hash, options, base);
    }
  }
}

/** Sources hashed by content; the others (binaries, installed packages) by size and mtime. */
const CONTENT_HASHED = new Set<FileSource['kind']>(['repo', 'fabric-config']);

const notNodeModules = (name: string): boolean => name === 'node_modules' || name === '.bin';

/** The folders and files an image takes of a package: all of it, or a workspace's package.json and `files`. */
function packagePaths(pkg: InstalledPackage): string[] {
  if (!pkg.workspaceFiles) return [pkg.dir];
  return pkg.workspaceFiles.map((file) => join(pkg.dir, file)).filter((path) => existsSync(path));
}

/** Hash of the description and every input file; `parentHash` chains images built on others. */
export async function inputHash(
  image: ImageDescription,
  context: SourceContext,
  parentHash = '',
): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(image));
  hash.update(parentHash);
  for (const file of image.files) {
    const resolved = await resolveSource(file.source, context);
    if ('path' in resolved) {
      if (!existsSync(resolved.path)) throw missing(resolved.path, file.source);
      signature(resolved.path, hash, { content: CONTENT_HASHED.has(file.source.kind) });
    } else if ('packages' in resolved) {
      for (const pkg of resolved.packages) {
        hash.update(pkg.target);
        for (const path of packagePaths(pkg)) {
          signature(path, hash, { content: pkg.workspaceFiles !== undefined, skip: notNodeModules });
        }
      }
    }
  }
  return hash.digest('hex');
}

/** Folders 0755; files 0755 when executable, else 0644 (group and others never write). */
async function normalizeModes(path: string): Promise<void> {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    await chmod(path, 0o755);
    for (const name of readdirSync(path)) await normalizeModes(join(path, name));
  } else {
    await chmod(path, stat.mode & 0o111 ? 0o755 : 0o644);
  }
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  if (lstatSync(path).isDirectory()) {
    for (const name of readdirSync(path)) await chownTree(join(path, name), uid, gid);
  }
}

/** Writes the image's files below <dir>/rootfs, replacing what was there. */
export async function stageImage(
  image: ImageDescription,
  context: SourceContext,
  dir: string,
): Promise<string> {
  const rootfs = join(dir, 'rootfs');
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(rootfs, { recursive: true, mode: 0o755 });
  for (const file of image.files) {
    const target = join(rootfs, file.path);
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    const resolved = await resolveSource(file.source, context);
    if ('path' in resolved) {
      if (!existsSync(resolved.path)) throw missing(resolved.path, file.source);
      await cp(resolved.path, target, { recursive: true, dereference: true, preserveTimestamps: true });
    } else if ('packages' in resolved) {
      for (const pkg of resolved.packages) {
        for (const path of packagePaths(pkg)) {
          await cp(path, join(target, pkg.target, relative(pkg.dir, path)), {
            recursive: true,
            dereference: true,
            preserveTimestamps: true,
            filter: (src) => src === path || !notNodeModules(basename(src)),
          });
        }
      }
    } else if ('text' in resolved) {
      await writeFile(target, resolved.text);
    } else {
      await mkdir(target, { recursive: true });
    }
  }
  await normalizeModes(rootfs);
  for (const file of image.files) {
    const target = join(rootfs, file.path);
    if (file.mode !== undefined) await chmod(target, file.mode);
    const user = effectiveUser(image);
    if (file.owner === 'user' && user) await chownTree(target, user.uid, user.gid);
  }
  return rootfs;
}
