/**
 * The engine-free image build: a Debian 12 rootfs from debootstrap (minbase, cached), OCI images assembled with
 * umoci in one shared layout (the base as one layer, each image's staged files as one more), and an import into
 * the node's containerd with ctr. Nothing runs a container engine or contacts an image registry.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClusterError, run } from '../exec';
import type { ImageBase, ImageDescription } from './description';
import { imageTag } from './description';
import { findImage } from './catalog';
import { inputHash, stageImage, type SourceContext } from './stage';

/** PATH of the Debian base, as `debian:bookworm-slim` sets it. */
export const DEBIAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEBIAN_SUITE = 'bookworm';

export interface BuiltImage {
  readonly name: string;
  readonly ref: string;
  /** Digest of the image manifest (what containerd reports after the import). */
  readonly digest: string;
  readonly built: boolean;
}

interface OciIndex {
  schemaVersion: number;
  manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
}

interface OciManifest {
  config: { digest: string };
  layers: { digest: string }[];
}

type BuildState = Record<string, { hash: string; digest: string } | undefined>;

export class ImageStore {
  readonly #building = new Map<string, Promise<BuiltImage & { hash: string }>>();

  constructor(
    readonly cacheDir: string,
    readonly context: SourceContext,
    readonly log: (message: string) => void = () => undefined,
  ) {}

  get layout(): string {
    return join(this.cacheDir, 'oci');
  }
  get #stateFile(): string {
    return join(this.cacheDir, 'state.json');
  }

  #state(): BuildState {
    return existsSync(this.#stateFile)
      ? (JSON.parse(readFileSync(this.#stateFile, 'utf8')) as BuildState)
      : {};
  }

  async #saveState(name: string, hash: string, digest: string): Promise<void> {
    const state = this.#state();
    state[name] = { hash, digest };
    await writeFile(this.#stateFile, `${JSON.stringify(state, null, 2)}\n`);
  }

  #index(): OciIndex {
    const file = join(this.layout, 'index.json');
    const index = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<OciIndex>) : {};
    // umoci writes "manifests": null into a new layout.
    return { schemaVersion: 2, manifests: index.manifests ?? [] };
  }

  /** Manifest digest of a tag of the shared layout. */
  tagDigest(tag: string): string | undefined {
    return this.#index().manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag)
      ?.digest;
  }

  async #ensureLayout(): Promise<void> {
    if (!existsSync(join(this.layout, 'index.json'))) {
      await mkdir(this.cacheDir, { recursive: true });
      await run('umoci', ['init', '--layout', this.layout]);
    }
  }

  /** Debian 12 minbase with the given packages, from the Debian archive this machine's apt uses. */
  async #debianRootfs(packages: readonly string[]): Promise<string> {
    const key = createHash('sha256')
      .update(`${DEBIAN_SUITE}:minbase:${[...packages].sort().join(',')}`)
      .digest('hex');
    const dir = join(this.cacheDir, 'rootfs', `${DEBIAN_SUITE}-${key.slice(0, 12)}`);
    if (existsSync(join(dir, 'etc', 'debian_version'))) return dir;
    const mirror = process.env['EMR_DEBIAN_MIRROR'] ?? 'http://deb.debian.org/debian';
    const temporary = `${dir}.tmp`;
    await rm(temporary, { recursive: true, force: true });
    await mkdir(join(this.cacheDir, 'rootfs'), { recursive: true });
    this.log(
      `debootstrap ${DEBIAN_SUITE} (minbase${packages.length ? ` + ${packages.join(' ')}` : ''}) from ${mirror}`,
    );
    const include = packages.length > 0 ? [`--include=${packages.join(',')}`] : [];
    await run('debootstrap', ['--variant=minbase', ...include, DEBIAN_SUITE, temporary, mirror]);
    // Like debian:bookworm-slim: no package lists, caches, docs, device nodes or the build machine's resolver.
    for (const path of [
      'var/lib/apt/lists',
      'var/cache/apt',
      'var/cache/debconf',
      'usr/share/doc',
      'usr/share/man',
      'usr/share/info',
      'var/log',
      'dev',
      'tmp',
    ]) {
      await rm(join(temporary, path), { recursive: true, force: true });
      await mkdir(join(temporary, path), { recursive: true });
    }
    await run('chmod', ['1777', join(temporary, 'tmp')]);
    for (const file of ['etc/resolv.conf', 'etc/hostname', 'etc/machine-id']) {
      await rm(join(temporary, file), { force: true });
    }
    await rename(temporary, dir);
    return dir;
  }

  /** The layout tag an image starts from; built once. */
  async #baseTag(base: ImageBase): Promise<{ tag: string; hash: string }> {
    await this.#ensureLayout();
    const image = (tag: string): string => `${this.layout}:${tag}`;
    if (base.kind === 'scratch') {
      if (!this.tagDigest('base-scratch')) await run('umoci', ['new', '--image', image('base-scratch')]);
      return { tag: 'base-scratch', hash: 'scratch' };
    }
    if (base.kind === 'debian') {
      const key = createHash('sha256')
        .update(`debian:${[...base.packages].sort().join(',')}`)
        .digest('hex')
        .slice(0, 12);
      const tag = `base-debian-${key}`;
      if (!this.tagDigest(tag)) {
        const rootfs = await this.#debianRootfs(base.packages);
        await run('umoci', ['new', '--image', image(`${tag}-empty`)]);
        await run('umoci', ['insert', '--image', image(`${tag}-empty`), '--tag', tag, rootfs, '/']);
        await run('umoci', ['config', '--image', image(tag), '--config.env', `PATH=${DEBIAN_PATH}`]);
        await run('umoci', ['rm', '--image', image(`${tag}-empty`)]);
      }
      return { tag, hash: this.tagDigest(tag) ?? '' };
    }
    const parent = await this.build(base.name);
    return { tag: base.name, hash: parent.hash };
  }

  /** Builds the image (and its base images) unless its inputs are unchanged. */
  build(name: string): Promise<BuiltImage & { hash: string }> {
    let pending = this.#building.get(name);
    if (!pending) {
      pending = this.#build(findImage(name));
      this.#building.set(name, pending);
    }
    return pending;
  }

  async #build(image: ImageDescription): Promise<BuiltImage & { hash: string }> {
    const base = await this.#baseTag(image.base);
    const hash = await inputHash(image, this.context, base.hash);
    const previous = this.#state()[image.name];
    const current = this.tagDigest(image.name);
    if (previous?.hash === hash && current === previous.digest) {
      return { name: image.name, ref: image.ref, digest: current, built: false, hash };
    }
    const stageDir = join(this.cacheDir, 'stage', image.name);
    const rootfs = await stageImage(image, this.context, stageDir);
    const target = `${this.layout}:${image.name}`;
    await run('umoci', [
      'insert',
      '--image',
      `${this.layout}:${base.tag}`,
      '--tag',
      image.name,
      '--history.created_by',
      `emr-cluster images: ${image.files.map((f) => f.path).join(' ')}`,
      rootfs,
      '/',
    ]);
    await run('umoci', ['config', '--image', target, ...configArgs(image)]);
    await rm(stageDir, { recursive: true, force: true });
    const digest = this.tagDigest(image.name);
    if (!digest) throw new ClusterError(`umoci did not tag ${image.name}`);
    await this.#saveState(image.name, hash, digest);
    return { name: image.name, ref: image.ref, digest, built: true, hash };
  }

  /** Drops blobs no tag refers to any more (after rebuilds). */
  async gc(): Promise<void> {
    await run('umoci', ['gc', '--layout', this.layout]);
  }

  /** Streams an OCI archive of one image (its blobs, an index naming it) into containerd's k8s.io namespace. */
  async importInto(containerdSocket: string, name: string): Promise<'imported' | 'present'> {
    const image = findImage(name);
    const digest = this.tagDigest(name);
    if (!digest) throw new ClusterError(`image ${name} is not built: run \`make images\``);
    if ((await containerdImageDigest(containerdSocket, image.ref)) === digest) return 'present';
    const manifest = JSON.parse(await readFile(blobPath(this.layout, digest), 'utf8')) as OciManifest;
    const blobs = [digest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)];
    const descriptor = this.#index().manifests.find((m) => m.digest === digest);
    const work = await mkdtemp(join(this.cacheDir, 'export-'));
    try {
      const index: OciIndex = {
        schemaVersion: 2,
        manifests: [
          {
            mediaType: descriptor?.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
            digest,
            size: descriptor?.size ?? 0,
            annotations: {
              'io.containerd.image.name': image.ref,
              'org.opencontainers.image.ref.name': imageTag(image.ref),
            },
          },
        ],
      };
      await writeFile(join(work, 'index.json'), JSON.stringify(index));
      await writeFile(join(work, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
      const tarArgs = [
        '-cf',
        '-',
        '-C',
        work,
        'oci-layout',
        'index.json',
        '-C',
        this.layout,
        ...blobs.map((d) => `blobs/${d.replace(':', '/')}`),
      ];
      await pipe(
        ['tar', tarArgs],
        ['ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'images', 'import', '-']],
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    return 'imported';
  }
}

function blobPath(layout: string, digest: string): string {
  return join(layout, 'blobs', ...digest.split(':'));
}

/** umoci config arguments with Docker's semantics (a new ENTRYPOINT clears an inherited CMD). */
export function configArgs(image: ImageDescription): string[] {
  const args: string[] = ['--history.created_by', `emr-cluster images: config of ${image.name}`];
  if (image.user) args.push('--config.user', `${image.user.uid}:${image.user.gid}`);
  for (const [key, value] of Object.entries(image.env ?? {})) args.push('--config.env', `${key}=${value}`);
  if (image.workdir) args.push('--config.workingdir', image.workdir);
  for (const port of image.ports ?? []) args.push('--config.exposedports', port);
  if (image.entrypoint) {
    args.push('--clear', 'config.entrypoint', ...image.entrypoint.flatMap((a) => ['--config.entrypoint', a]));
    if (!image.cmd) args.push('--clear', 'config.cmd');
  }
  if (image.cmd) args.push('--clear', 'config.cmd', ...image.cmd.flatMap((a) => ['--config.cmd', a]));
  args.push('--config.label', `org.opencontainers.image.title=${image.title}`);
  args.push('--config.label', `org.opencontainers.image.version=${image.version}`);
  return args;
}

/** Digest of an image in containerd's k8s.io namespace, or undefined. */
export async function containerdImageDigest(socket: string, ref: string): Promise<string | undefined> {
  const result = await run('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'ls', `name==${ref}`], {
    allowFailure: true,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith(`${ref} `));
  return line?.split(/\s+/).find((field) => field.startsWith('sha256:'));
}

/** `a | b`, failing when either fails. */
function pipe(first: [string, string[]], second: [string, string[]]): Promise<void> {
  const producer = spawn(first[0], first[1], { stdio: ['ignore', 'pipe', 'pipe'] });
  const consumer = spawn(second[0], second[1], { stdio: ['pipe', 'pipe', 'pipe'] });
  producer.stdout.pipe(consumer.stdin);
  // When one side fails the other sees EPIPE/ECONNRESET; the exit codes and stderr below tell what happened.
  producer.stdout.on('error', () => undefined);
  consumer.stdin.on('error', () => undefined);
  consumer.stdout.resume();
  let errors = '';
  producer.stderr.on('data', (c: Buffer) => (errors += c.toString()));
  consumer.stderr.on('data', (c: Buffer) => (errors += c.toString()));
  const exited = (child: ReturnType<typeof spawn>): Promise<number> =>
    new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => {
        resolve(code ?? 1);
      });
    });
  return Promise.all([exited(producer), exited(consumer)]).then(([a, b]) => {
    if (a !== 0 || b !== 0) {
      throw new ClusterError(
        `${first[0]} | ${second[0]} failed: ${errors.trim().split('\n').slice(-3).join(' ')}`,
      );
    }
  });
}
