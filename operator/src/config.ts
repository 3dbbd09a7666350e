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
}

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
  };
}
