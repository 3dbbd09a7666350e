import { dirname } from 'node:path';
import {
  hostPort,
  type EnvValue,
  type MountSpec,
  type NodeSpec,
  type Placement,
  type SecretKeyRef,
} from './node-spec';

/**
 * The environment contract between this spec and the gateway (`gateway/src/config.ts` reads exactly these
 * names). Values that are secrets arrive as references and are resolved by the renderer (a Kubernetes Secret,
 * a devnet secret file); they are never written into the spec.
 */
export const GATEWAY_ENV = {
  listenHost: 'GATEWAY_LISTEN_HOST',
  port: 'GATEWAY_PORT',
  mspId: 'GATEWAY_MSP_ID',
  channel: 'GATEWAY_CHANNEL',
  chaincode: 'GATEWAY_CHAINCODE',
  peerEndpoint: 'GATEWAY_PEER_ENDPOINT',
  peerTlsCaFile: 'GATEWAY_PEER_TLS_CA_FILE',
  peerServerName: 'GATEWAY_PEER_SERVER_NAME',
  caUrl: 'GATEWAY_CA_URL',
  caName: 'GATEWAY_CA_NAME',
  caTlsCaFile: 'GATEWAY_CA_TLS_CA_FILE',
  registrarId: 'GATEWAY_REGISTRAR_ID',
  registrarSecret: 'GATEWAY_REGISTRAR_SECRET',
  jwtSecret: 'GATEWAY_JWT_SECRET',
  keyEncryptionKey: 'GATEWAY_KEY_ENCRYPTION_KEY',
  databaseFile: 'GATEWAY_DATABASE_FILE',
  tlsCertFile: 'GATEWAY_TLS_CERT_FILE',
  tlsKeyFile: 'GATEWAY_TLS_KEY_FILE',
  tokenTtlSeconds: 'GATEWAY_TOKEN_TTL_SECONDS',
  loginRateLimit: 'GATEWAY_LOGIN_RATE_LIMIT_PER_MINUTE',
  logLevel: 'GATEWAY_LOG_LEVEL',
  shutdownGraceMs: 'GATEWAY_SHUTDOWN_GRACE_MS',
} as const;

/** Everything that differs between the places a provider's REST gateway runs (devnet process, pod). */
export interface GatewaySpecInput {
  /** Node name, e.g. `gateway-provider1`. */
  readonly name: string;
  /** MSP ID of the provider the gateway serves; tokens of other orgs are rejected. */
  readonly mspId: string;
  /** `listenHost` is bound (0.0.0.0 in a pod); `advertisedHost` is informative only. */
  readonly placement: Placement;
  /** HTTP(S) port of the API, the probes and /metrics. */
  readonly port: number;
  /** Image with the built gateway (`gateway/Dockerfile`); unused on devnet. */
  readonly image: string;
  /**
   * How to start it: Node.js and the compiled server (`gateway/dist/server.js`). On devnet the absolute path of
   * the running Node.js and of the repository's build; in the image {@link GATEWAY_IMAGE_RUNTIME}.
   */
  readonly runtime: { readonly node: string; readonly script: string };
  /** Channel and chaincode name; default `emr` for both. */
  readonly channel?: string;
  readonly chaincode?: string;
  /** The org's own peer (its Gateway service): `host:port`, PEM file of its TLS CA, optional TLS server name. */
  readonly peer: { readonly endpoint: string; readonly tlsCaFile: string; readonly serverName?: string };
  /** The org's CA: where users are registered and enrolled. `caName` for a multi-CA server. */
  readonly ca: { readonly url: string; readonly tlsCaFile: string; readonly caName?: string };
  /**
   * Secrets, by reference only:
   * - `registrar`: the CA's bootstrap registrar; it registers staff and patients, and is the org admin of the API;
   * - `jwtKey`: HS256 key of the bearer tokens (at least 32 characters);
   * - `keyEncryptionKey`: base64 of 32 random bytes; AES-256-GCM key of the users' private keys at rest.
   */
  readonly secrets: {
    readonly registrar: { readonly enrollmentId: string; readonly secret: SecretKeyRef };
    readonly jwtKey: SecretKeyRef;
    readonly keyEncryptionKey: SecretKeyRef;
  };
  /** Writable folder of the user database (SQLite file `gateway.db`): a volume in Kubernetes. */
  readonly dataDir: string;
  /** Serve HTTPS with these PEM files (a TLS certificate of the org's CA). Plain HTTP when omitted. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Log level of pino; default `info`. */
  readonly logLevel?: string;
}

/** Node.js and the server inside the image built by gateway/Dockerfile. */
export const GATEWAY_IMAGE_RUNTIME = { node: 'node', script: '/app/dist/server.js' } as const;

/** The database file inside {@link GatewaySpecInput.dataDir}. */
export const GATEWAY_DATABASE_FILENAME = 'gateway.db';

/**
 * A provider's REST gateway: the API its healthcenter staff, physicians and patients use, each transaction signed
 * with the calling user's own Fabric identity and sent to the org's peer. Ready when `/readyz` answers 200 (the
 * peer is reachable and the gateway is not shutting down).
 */
export function gatewaySpec(input: GatewaySpecInput): NodeSpec {
  const env: Record<string, EnvValue> = {
    [GATEWAY_ENV.listenHost]: input.placement.listenHost,
    [GATEWAY_ENV.port]: String(input.port),
    [GATEWAY_ENV.mspId]: input.mspId,
    [GATEWAY_ENV.channel]: input.channel ?? 'emr',
    [GATEWAY_ENV.chaincode]: input.chaincode ?? 'emr',
    [GATEWAY_ENV.peerEndpoint]: input.peer.endpoint,
    [GATEWAY_ENV.peerTlsCaFile]: input.peer.tlsCaFile,
    ...(input.peer.serverName === undefined ? {} : { [GATEWAY_ENV.peerServerName]: input.peer.serverName }),
    [GATEWAY_ENV.caUrl]: input.ca.url,
    [GATEWAY_ENV.caTlsCaFile]: input.ca.tlsCaFile,
    ...(input.ca.caName === undefined ? {} : { [GATEWAY_ENV.caName]: input.ca.caName }),
    [GATEWAY_ENV.registrarId]: input.secrets.registrar.enrollmentId,
    [GATEWAY_ENV.registrarSecret]: { secret: input.secrets.registrar.secret },
    [GATEWAY_ENV.jwtSecret]: { secret: input.secrets.jwtKey },
    [GATEWAY_ENV.keyEncryptionKey]: { secret: input.secrets.keyEncryptionKey },
    [GATEWAY_ENV.databaseFile]: `${input.dataDir}/${GATEWAY_DATABASE_FILENAME}`,
    ...(input.tls === undefined
      ? {}
      : { [GATEWAY_ENV.tlsCertFile]: input.tls.certFile, [GATEWAY_ENV.tlsKeyFile]: input.tls.keyFile }),
    [GATEWAY_ENV.logLevel]: input.logLevel ?? 'info',
    NODE_ENV: 'production',
  };
  const portName = input.tls === undefined ? 'http' : 'https';
  return {
    name: input.name,
    kind: 'gateway',
    mspId: input.mspId,
    image: input.image,
    command: [input.runtime.node, input.runtime.script],
    env,
    ports: [{ name: portName, port: input.port }],
    mounts: [...credentialMounts(input), { path: input.dataDir, source: 'data', readOnly: false }],
    readiness: { scheme: input.tls === undefined ? 'HTTP' : 'HTTPS', port: portName, path: '/readyz' },
  };
}

/** `host:port` clients use to reach the gateway. */
export function gatewayAddress(input: Pick<GatewaySpecInput, 'placement' | 'port'>): string {
  return hostPort(input.placement.advertisedHost, input.port);
}

/** Read-only folders of the trust anchors and the TLS key pair, each folder once. */
function credentialMounts(input: GatewaySpecInput): MountSpec[] {
  const files = [input.peer.tlsCaFile, input.ca.tlsCaFile];
  if (input.tls !== undefined) files.push(input.tls.certFile, input.tls.keyFile);
  const folders = [...new Set(files.map((file) => dirname(file)))];
  return folders.map((path) => ({ path, source: 'credentials', readOnly: true }));
}
