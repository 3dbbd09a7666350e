/**
 * A node of the network described once, independent of where it runs. The devnet renders a NodeSpec to a
 * local process; the cdk8s constructs render the same spec to a container. Anything that differs between
 * the two (paths, listen and advertised hosts) is an input of the spec functions, never a second copy.
 */
export type NodeKind = 'ca' | 'orderer' | 'peer' | 'chaincode' | 'gateway';

/** An environment value: literal, or read from a secret (a Kubernetes Secret; a file under the devnet folder). */
export type EnvValue = string | { readonly secret: SecretKeyRef };

export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface PortSpec {
  /** IANA-style name, also the Kubernetes container/service port name. */
  readonly name: string;
  readonly port: number;
}

/** A readiness check: an HTTP(S) GET that must answer 200, or a TCP connect. */
export type ProbeSpec =
  | { readonly scheme: 'HTTP' | 'HTTPS'; readonly port: string; readonly path: string }
  | { readonly scheme: 'TCP'; readonly port: string };

/** A folder the node reads (credentials, configuration) or writes (ledger data). */
export interface MountSpec {
  /** Absolute path inside the node's file system. */
  readonly path: string;
  /** What fills it: node credentials, a shared config folder, or persistent data. */
  readonly source: 'credentials' | 'config' | 'data';
  readonly readOnly: boolean;
}

export interface NodeSpec {
  readonly name: string;
  readonly kind: NodeKind;
  readonly mspId: string;
  readonly image: string;
  /**
   * Executable and arguments. `$(VAR)` refers to an env entry, expanded with Kubernetes' semantics on both
   * renderers — how secrets reach arguments without being written into the spec.
   */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, EnvValue>>;
  readonly ports: readonly PortSpec[];
  readonly mounts: readonly MountSpec[];
  readonly readiness: ProbeSpec;
}

/** Where a node listens and how others reach it. */
export interface Placement {
  /** Interface to bind: 127.0.0.1 on devnet, 0.0.0.0 in a pod. */
  readonly listenHost: string;
  /** Host name others use to reach this node: 127.0.0.1 on devnet, the Service DNS name in Kubernetes. */
  readonly advertisedHost: string;
}

/** Folders of a node, as the node sees them (devnet: under .devnet/; Kubernetes: volume mount paths). */
export interface NodePaths {
  /** FABRIC_CFG_PATH: Fabric's default core.yaml / orderer.yaml. */
  readonly fabricConfig: string;
  /** Local MSP folder (signcerts, keystore, cacerts, config.yaml). */
  readonly msp: string;
  /** TLS folder (server.crt, server.key, ca.crt). */
  readonly tls: string;
  /** Writable data (ledger, CA database). */
  readonly data: string;
}

export function hostPort(host: string, port: number): string {
  return `${host}:${port}`;
}

/**
 * Expands `$(VAR)` references in env values against the variables defined before them, as the kubelet does for
 * a container's env (dependent environment variables): how a spec composes a value from a secret without the
 * secret appearing in the command line.
 */
export function expandEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const expanded: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    expanded[name] = value.replace(
      /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
      (ref, key: string) => expanded[key] ?? ref,
    );
  }
  return expanded;
}

/** Expands `$(VAR)` references against resolved env values, as the kubelet does for command and args. */
export function expandCommand(command: readonly string[], env: Readonly<Record<string, string>>): string[] {
  return command.map((arg) =>
    arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, name: string) => env[name] ?? ref),
  );
}
