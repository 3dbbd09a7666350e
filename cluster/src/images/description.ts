/**
 * What an image contains, said once. Both builds follow from it: the engine-free build (debootstrap rootfs, umoci,
 * containerd import) and the Dockerfile that users with Docker build (`cluster/images/<name>.Dockerfile`, compared
 * with this description by a unit test).
 */

/** Where an image starts from. */
export type ImageBase =
  | { readonly kind: 'scratch' }
  /** Debian 12: `debootstrap --variant=minbase` here, `debian:bookworm-slim` in the Dockerfile, plus packages. */
  | { readonly kind: 'debian'; readonly packages: readonly string[] }
  /** Another image of the catalog (its name). */
  | { readonly kind: 'image'; readonly name: string };

/** Where a file of the image comes from on the build machine. */
export type FileSource =
  /** A binary built by `make tools`. */
  | { readonly kind: 'tool'; readonly name: string }
  /** A file or folder of Fabric's sample configuration (tools dir, fabric-config/). */
  | { readonly kind: 'fabric-config'; readonly path: string }
  /** A built file or folder of the repository (relative to the repository root). */
  | { readonly kind: 'repo'; readonly path: string }
  /** The project's Node.js 24 binary (scripts/node.sh: the `node` npm package in .tools/node). */
  | { readonly kind: 'node' }
  /** The production dependencies of a workspace, exactly as installed from package-lock.json. */
  | { readonly kind: 'production-node-modules'; readonly workspace: string }
  /** Kubernetes' own pause.c (from the k8s.io/kubernetes module), compiled statically. */
  | { readonly kind: 'pause' }
  /** A small generated file, e.g. a wrapper script. */
  | { readonly kind: 'text'; readonly content: string }
  /** An empty folder (for a state folder owned by the image's user). */
  | { readonly kind: 'empty-dir' };

export interface ImageFile {
  /** Absolute path in the image. */
  readonly path: string;
  readonly source: FileSource;
  /** `user`: owned by the image's user (state folders); default root (read-only for the user). */
  readonly owner?: 'root' | 'user';
  /** Mode of a file (default: 0755 for executables from tools/node/pause, else 0644; folders 0755). */
  readonly mode?: number;
}

export interface ImageDescription {
  /** Short name: the Dockerfile's name and the key in the catalog. */
  readonly name: string;
  /** Full reference, as pods and charts use it. */
  readonly ref: string;
  readonly title: string;
  readonly base: ImageBase;
  readonly files: readonly ImageFile[];
  /** Numeric user and group (non-root); inherited from the base image when absent. */
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly env?: Readonly<Record<string, string>>;
  readonly workdir?: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly ports?: readonly string[];
  readonly version: string;
}

export function imageTag(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : 'latest';
}
