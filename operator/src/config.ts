/**
 * The operator's settings, from the environment the Helm chart sets (charts/emr-operator/templates/deployment.yaml).
 * Invalid values fail start-up with one sentence naming the variable.
 */
import { hostname } from 'node:os';
import { isLogLevel, type LogLevel } from './logger';

export interface OperatorSettings {
  /** Namespace of the operator's pod: where its Lease lives. */
  readonly namespace: string;
  /** This replica, the Lease holder identity. */
  readonly podName: string;
  /** Namespaces to watch; empty: all. */
  readonly watchNamespaces: readonly string[];
  readonly leaderElection: boolean;
  readonly leaseName: string;
  readonly healthPort: number;
  /** Undefined: no metrics server. */
  readonly metricsPort: number | undefined;
  readonly logLevel: LogLevel;
  /** Where workloads run: Kubernetes objects, or a local devnet (development and benchmarks). */
  readonly runtime: 'kubernetes' | 'devnet';
  /** State folder of the devnet, for runtime devnet. */
  readonly devnetDir: string | undefined;
  /** Images of the workloads the operator runs where a resource names none (runtime kubernetes). */
  readonly workloadImages: WorkloadImages;
  /** Pull policy of those workloads; undefined: the constructs' default. */
  readonly workloadPullPolicy: PullPolicy | undefined;
}

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
const PULL_POLICIES: readonly string[] = ['Always', 'IfNotPresent', 'Never'];

export const WORKLOAD_IMAGE_KINDS = ['ca', 'orderer', 'peer', 'chaincode', 'gateway', 'tools'] as const;
export type WorkloadImages = Partial<
  Record<(typeof WORKLOAD_IMAGE_KINDS)[number], { readonly repository: string; readonly tag: string }>
>;

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const PREFIX = 'EMR_OPERATOR_';

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[PREFIX + name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new SettingsError(`${PREFIX}${name} must be a port number (0 to 65535), not "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = (env[PREFIX + name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new SettingsError(`${PREFIX}${name} must be true or false, not "${raw}"`);
}

/**
 * `EMR_OPERATOR_WORKLOAD_IMAGES`: JSON `{ "peer": { "repository": "…", "tag": "…" }, … }` (the chart's
 * `workloadImages`), for registries of one's own or images imported into the node.
 */
function workloadImages(raw: string | undefined): WorkloadImages {
  const name = `${PREFIX}WORKLOAD_IMAGES`;
  const text = (raw ?? '').trim();
  if (text === '' || text === '{}' || text === 'null') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SettingsError(`${name} must be JSON, e.g. {"peer":{"repository":"…","tag":"…"}}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SettingsError(`${name} must be a JSON object of images by kind`);
  }
  return Object.fromEntries(
    Object.entries(parsed).map(([kind, value]) => [kind, workloadImage(name, kind, value)]),
  );
}

function workloadImage(name: string, kind: string, value: unknown): { repository: string; tag: string } {
  if (!(WORKLOAD_IMAGE_KINDS as readonly string[]).includes(kind)) {
    throw new SettingsError(
      `${name}: unknown image kind "${kind}" (one of ${WORKLOAD_IMAGE_KINDS.join(', ')})`,
    );
  }
  const { repository, tag } = (value ?? {}) as { repository?: unknown; tag?: unknown };
  if (typeof repository !== 'string' || typeof tag !== 'string' || repository === '' || tag === '') {
    throw new SettingsError(`${name}: image "${kind}" needs a non-empty repository and tag`);
  }
  return { repository, tag };
}

function pullPolicy(env: NodeJS.ProcessEnv): PullPolicy | undefined {
  const raw = env[`${PREFIX}WORKLOAD_PULL_POLICY`] ?? '';
  if (raw === '') return undefined;
  if (!PULL_POLICIES.includes(raw)) {
    throw new SettingsError(
      `${PREFIX}WORKLOAD_PULL_POLICY must be Always, IfNotPresent or Never, not "${raw}"`,
    );
  }
  return raw as PullPolicy;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv): OperatorSettings {
  const logLevel = env[`${PREFIX}LOG_LEVEL`] ?? 'info';
  if (!isLogLevel(logLevel)) {
    throw new SettingsError(`${PREFIX}LOG_LEVEL must be debug, info, warn or error, not "${logLevel}"`);
  }
  const runtime = env[`${PREFIX}RUNTIME`] ?? 'kubernetes';
  if (runtime !== 'kubernetes' && runtime !== 'devnet') {
    throw new SettingsError(`${PREFIX}RUNTIME must be kubernetes or devnet, not "${runtime}"`);
  }
  const metricsPort = port(env, 'METRICS_PORT', 8080);
  return {
    namespace: env[`${PREFIX}NAMESPACE`] || 'emr-operator',
    podName: env[`${PREFIX}POD_NAME`] || hostname(),
    watchNamespaces: (env[`${PREFIX}WATCH_NAMESPACES`] ?? '')
      .split(',')
      .map((ns) => ns.trim())
      .filter((ns) => ns !== ''),
    leaderElection: flag(env, 'LEADER_ELECTION', true),
    leaseName: env[`${PREFIX}LEASE_NAME`] || 'emr-operator',
    healthPort: port(env, 'HEALTH_PORT', 8081),
    // The chart sets 0 when metrics are disabled.
    metricsPort: metricsPort === 0 ? undefined : metricsPort,
    logLevel,
    runtime,
    devnetDir: env['EMR_DEVNET_DIR'],
    workloadImages: workloadImages(env[`${PREFIX}WORKLOAD_IMAGES`]),
    workloadPullPolicy: pullPolicy(env),
  };
}
