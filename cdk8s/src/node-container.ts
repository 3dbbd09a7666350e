/**
 * The Kubernetes renderer of a NodeSpec — the counterpart of devnet's ProcessSupervisor: the spec's command (the
 * kubelet expands `$(VAR)` exactly as devnet's expandCommand does), env (secret values as secretKeyRef, never
 * literals), ports, mounts and readiness become one container. Nothing about a node is written twice.
 */
import { Duration, Size } from 'cdk8s';
import {
  ConnectionScheme,
  type Container,
  type ContainerResources,
  EmptyDirMedium,
  EnvValue,
  Probe,
  Secret,
  Volume,
  type Workload,
} from 'cdk8s-plus-33';
import type { NodeSpec, ProbeSpec } from '@emr/network';
import type { CredentialVolume } from './credentials';
import { containerSecurity, imageName, type ImageRef, type PodIdentity } from './workload-options';

export interface NodeContainerOptions {
  readonly spec: NodeSpec;
  readonly image: ImageRef;
  readonly resources: ContainerResources;
  readonly podIdentity?: PodIdentity;
  /** The volume behind every mount of the spec, by mount path. */
  readonly volumes: ReadonlyMap<string, CredentialVolume>;
  /** Env the volumes need besides the spec's (a pod name for per-pod sub-folders). */
  readonly extraEnv?: Readonly<Record<string, EnvValue>>;
  /**
   * How long the node may take to start before liveness applies (startup probe budget).
   * @default Duration.minutes(5)
   */
  readonly startupBudget?: Duration;
}

/** Adds the node's container (named after its kind) plus a memory-backed /tmp to the workload. */
export function addNodeContainer(workload: Workload, options: NodeContainerOptions): Container {
  const { spec } = options;
  const container = workload.addContainer({
    name: spec.kind,
    image: imageName(options.image),
    imagePullPolicy: options.image.pullPolicy,
    command: [...spec.command],
    envVariables: { ...options.extraEnv, ...nodeEnv(workload, spec) },
    ports: spec.ports.map((p) => ({ name: p.name, number: p.port })),
    resources: options.resources,
    securityContext: containerSecurity(options.podIdentity),
    ...nodeProbes(spec, options.startupBudget ?? Duration.minutes(5)),
  });
  for (const mount of spec.mounts) {
    const bound = options.volumes.get(mount.path);
    if (!bound) {
      throw new Error(`${spec.name}: no volume for ${mount.source} mount ${mount.path}`);
    }
    container.mount(mount.path, bound.volume, {
      readOnly: mount.readOnly,
      ...(bound.subPathExpr === undefined ? {} : { subPathExpr: bound.subPathExpr }),
    });
  }
  // Read-only root: whatever the node writes outside its data goes to a small in-memory /tmp.
  container.mount(
    '/tmp',
    Volume.fromEmptyDir(workload, 'tmp', 'tmp', {
      medium: EmptyDirMedium.MEMORY,
      sizeLimit: Size.mebibytes(64),
    }),
  );
  return container;
}

/** The spec's env: literals stay literals, secret values become secretKeyRef. */
export function nodeEnv(workload: Workload, spec: NodeSpec): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  for (const [name, value] of Object.entries(spec.env)) {
    if (typeof value === 'string') {
      env[name] = EnvValue.fromValue(value);
    } else {
      const secret = Secret.fromSecretName(workload, `env-${name}`, value.secret.name);
      env[name] = EnvValue.fromSecretValue({ secret, key: value.secret.key });
    }
  }
  return env;
}

/**
 * Readiness is the spec's check; liveness the same check with a longer period (a node that stops answering its
 * own health endpoint is restarted); startup the same check with a budget for slow starts (ledger recovery).
 */
export function nodeProbes(
  spec: NodeSpec,
  startupBudget: Duration,
): { readiness: Probe; liveness: Probe; startup: Probe } {
  const period = 5;
  return {
    readiness: probe(spec, spec.readiness, { periodSeconds: Duration.seconds(period), failureThreshold: 3 }),
    liveness: probe(spec, spec.readiness, { periodSeconds: Duration.seconds(20), failureThreshold: 3 }),
    startup: probe(spec, spec.readiness, {
      periodSeconds: Duration.seconds(period),
      failureThreshold: Math.max(1, Math.ceil(startupBudget.toSeconds() / period)),
    }),
  };
}

function probe(
  spec: NodeSpec,
  check: ProbeSpec,
  timing: { periodSeconds: Duration; failureThreshold: number },
): Probe {
  const port = spec.ports.find((p) => p.name === check.port)?.port;
  if (port === undefined) {
    throw new Error(`${spec.name}: readiness port "${check.port}" is not one of the spec's ports`);
  }
  const options = { port, ...timing, timeoutSeconds: Duration.seconds(3) };
  if (check.scheme === 'TCP') {
    return Probe.fromTcpSocket(options);
  }
  return Probe.fromHttpGet(check.path, {
    ...options,
    scheme: check.scheme === 'HTTPS' ? ConnectionScheme.HTTPS : ConnectionScheme.HTTP,
  });
}

/** The port number of one of the spec's named ports. */
export function specPort(spec: NodeSpec, name: string): number {
  const port = spec.ports.find((p) => p.name === name)?.port;
  if (port === undefined) throw new Error(`${spec.name} has no port named ${name}`);
  return port;
}
