/**
 * What every workload construct shares: image references, secure pod/container defaults and resources.
 */
import { Size } from 'cdk8s';
import {
  Capability,
  type ContainerResources,
  type ContainerSecurityContextProps,
  Cpu,
  FsGroupChangePolicy,
  ImagePullPolicy,
  type PodSecurityContextProps,
  SeccompProfileType,
} from 'cdk8s-plus-33';
import type { NetworkAccess } from './network-policies';

/** A container image by repository and tag, and when the kubelet pulls it. */
export interface ImageRef {
  /** e.g. `hyperledger/fabric-peer` or `registry.example.com/emr/gateway`. */
  readonly repository: string;
  /** e.g. `3.1.1`; a digest is given as `sha256:…` and rendered `repository@sha256:…`. */
  readonly tag: string;
  /**
   * `Never` for images imported into the node (kind load, the engine-free node of `make cluster-up`).
   * @default ImagePullPolicy.IF_NOT_PRESENT
   */
  readonly pullPolicy?: ImagePullPolicy;
}

/** `repository:tag` (or `repository@sha256:…`). */
export function imageName(image: ImageRef): string {
  return image.tag.startsWith('sha256:')
    ? `${image.repository}@${image.tag}`
    : `${image.repository}:${image.tag}`;
}

/** Splits `repository:tag` (as the node specs name their images) into an {@link ImageRef}. */
export function parseImage(reference: string, pullPolicy?: ImagePullPolicy): ImageRef {
  const colon = reference.lastIndexOf(':');
  if (colon <= reference.lastIndexOf('/')) {
    throw new RangeError(`image "${reference}" has no tag; pin one`);
  }
  return {
    repository: reference.slice(0, colon),
    tag: reference.slice(colon + 1),
    ...(pullPolicy ? { pullPolicy } : {}),
  };
}

/** The image with its pull policy resolved: its own, else the workload's, else IfNotPresent. */
export function withPullPolicy(
  image: ImageRef,
  pullPolicy: ImagePullPolicy | undefined,
): ImageRef & { readonly pullPolicy: ImagePullPolicy } {
  return { ...image, pullPolicy: image.pullPolicy ?? pullPolicy ?? ImagePullPolicy.IF_NOT_PRESENT };
}

/** The user and groups every container of a workload runs as. */
export interface PodIdentity {
  /** @default 10001 (the user of the project's images, cluster/src/images/catalog.ts) */
  readonly user?: number;
  /** @default 10001 */
  readonly group?: number;
  /** Group owning mounted volumes (PVCs, Secrets, emptyDirs). @default 10001 */
  readonly fsGroup?: number;
}

const DEFAULT_ID = 10001;

/**
 * A container that passes the `restricted` Pod Security Standard: non-root, no privilege escalation, every
 * capability dropped, the runtime's default seccomp profile, and (unless the image needs it) a read-only root.
 */
export function containerSecurity(
  identity: PodIdentity = {},
  readOnlyRootFilesystem = true,
): ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: identity.user ?? DEFAULT_ID,
    group: identity.group ?? DEFAULT_ID,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem,
    capabilities: { drop: [Capability.ALL] },
    seccompProfile: { type: SeccompProfileType.RUNTIME_DEFAULT },
  };
}

export function podSecurity(identity: PodIdentity = {}): PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: identity.user ?? DEFAULT_ID,
    group: identity.group ?? DEFAULT_ID,
    fsGroup: identity.fsGroup ?? DEFAULT_ID,
    fsGroupChangePolicy: FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}

/** Requests and limits in millicores and MiB. */
export function resources(
  cpuRequest: number,
  cpuLimit: number,
  memRequest: number,
  memLimit: number,
): ContainerResources {
  return {
    cpu: { request: Cpu.millis(cpuRequest), limit: Cpu.millis(cpuLimit) },
    memory: { request: Size.mebibytes(memRequest), limit: Size.mebibytes(memLimit) },
  };
}

/**
 * Default resources, sized so the example two-provider network requests under 1.5 cores and fits the 2-core
 * single-node cluster of `make cluster-up`; production values belong in the props.
 */
export const DEFAULT_RESOURCES = {
  ca: resources(50, 500, 64, 256),
  orderer: resources(100, 1000, 128, 512),
  peer: resources(150, 1000, 256, 1024),
  chaincode: resources(50, 500, 96, 384),
  gateway: resources(100, 1000, 128, 512),
  init: resources(20, 500, 64, 192),
} as const;

/** Storage of a workload's persistent data. */
export interface StorageOptions {
  /** @default per construct: CA 1Gi, orderer 10Gi, peer 10Gi */
  readonly size?: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** Props every workload construct accepts. */
export interface WorkloadOptions {
  /** Who may talk to the workload, and where the network's other workloads are. @default see NetworkAccess */
  readonly networkAccess?: NetworkAccess;
  /** Render the workload's NetworkPolicy. @default true */
  readonly networkPolicy?: boolean;
  /** Namespace of every object. @default - the enclosing Chart's namespace */
  readonly namespace?: string;
  /** User and groups of the pods. @default 10001/10001, fsGroup 10001 */
  readonly podIdentity?: PodIdentity;
  /** Pull policy for images that do not set their own. @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Name of a `kubernetes.io/dockerconfigjson` Secret for private registries. @default - none */
  readonly imagePullSecret?: string;
  /** `app.kubernetes.io/managed-by`. @default 'cdk8s' */
  readonly managedBy?: string;
  /** DNS suffix of the cluster, part of every advertised host name. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

type Defaulted<T, K extends keyof T> = T & { readonly [P in K]-?: NonNullable<T[P]> };

/**
 * `props` with every key of `fallback` filled in where props leaves it undefined — construct defaults in one
 * place, without a chain of `??` per prop.
 */
export function withDefaults<T extends object, K extends keyof T>(
  props: T,
  fallback: { readonly [P in K]-?: NonNullable<T[P]> },
): Defaulted<T, K> {
  const result = { ...props } as Record<string, unknown>;
  for (const [key, value] of Object.entries(fallback)) {
    if (result[key] === undefined) result[key] = value;
  }
  return result as Defaulted<T, K>;
}
