/**
 * The production dependencies of a workspace, as installed from package-lock.json: the packages its
 * `dependencies` (and theirs, with optional and peer dependencies that are installed) resolve to by Node.js's
 * own lookup, each placed at the same path below node_modules. No npm run, no registry, no dev dependencies.
 */
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

interface PackageJson {
  readonly name?: string;
  readonly files?: readonly string[];
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

export interface InstalledPackage {
  /** Folder of the package on this machine. */
  readonly dir: string;
  /** Path below the image's node_modules, e.g. `@grpc/grpc-js` or `a/node_modules/b`. */
  readonly target: string;
  /**
   * For a workspace of this repository (a link in node_modules): what the image takes of it — its package.json
   * and its `files` (default: dist), as `npm pack` would.
   */
  readonly workspaceFiles?: readonly string[];
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Node.js's lookup: <from>/node_modules/<name>, then each parent folder's node_modules up to `root`. */
function resolvePackage(name: string, from: string, root: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/** Where a package folder goes below the image's node_modules. */
function targetOf(dir: string, workspaceDir: string, root: string): string {
  for (const base of [join(workspaceDir, 'node_modules'), join(root, 'node_modules')]) {
    const rel = relative(base, dir);
    if (!rel.startsWith('..')) return rel;
  }
  throw new Error(`${dir} is outside the repository's node_modules`);
}

/** The package at `dir` as the image takes it: a registry package whole, a workspace (a link) as `npm pack` would. */
function installed(dir: string, target: string): { pkg: InstalledPackage; manifest: PackageJson } {
  const linked = lstatSync(dir).isSymbolicLink();
  const source = linked ? realpathSync(dir) : dir;
  const manifest = readPackage(source);
  const pkg: InstalledPackage = linked
    ? { dir: source, target, workspaceFiles: ['package.json', ...(manifest.files ?? ['dist'])] }
    : { dir: source, target };
  return { pkg, manifest };
}

export function productionPackages(workspaceDir: string, root: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (fromDir: string, pkg: PackageJson): void => {
    const optional = new Set([
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ]);
    for (const name of new Set([...Object.keys(pkg.dependencies ?? {}), ...optional])) {
      const dir = resolvePackage(name, fromDir, root);
      if (!dir) {
        if (optional.has(name)) continue;
        throw new Error(
          `${name} (a dependency of ${pkg.name ?? fromDir}) is not installed: run \`make setup\``,
        );
      }
      const next = installed(dir, targetOf(dir, workspaceDir, root));
      const existing = found.get(next.pkg.target);
      if (existing) {
        if (existing.dir !== next.pkg.dir)
          throw new Error(`two installs of ${name} map to node_modules/${next.pkg.target}`);
        continue;
      }
      found.set(next.pkg.target, next.pkg);
      visit(next.pkg.dir, next.manifest);
    }
  };
  visit(workspaceDir, readPackage(workspaceDir));
  return [...found.values()].sort((a, b) => a.target.localeCompare(b.target));
}
