/**
 * The contract between the `enroll` init container (./cli.ts), the constructs that add it, and whoever registers
 * identities at the org's CA (the operator; until it lands, a bootstrap Job running our admin library):
 *
 * 1. The registrar registers every node identity once — enrollment ID = node name (for orderers: the pod name),
 *    type peer|orderer|client — and stores its enrollment secret in the Secret {@link enrollmentSecretName}
 *    under the key = enrollment ID. That is exactly what `registerOnce` (network/src/provider/identities.ts) does
 *    with a SecretStore backed by Kubernetes Secrets.
 * 2. It publishes the CA's root certificate (GET /cainfo) in the ConfigMap {@link caTrustConfigMapName}, key
 *    {@link CA_TRUST_KEY}. A certificate is public; no key material lives in ConfigMaps.
 * 3. In each pod the init container generates the node's keys in memory, enrolls (enrollment certificate and a
 *    `tls`-profile certificate for the node's host names) and writes Fabric's MSP and TLS folders into
 *    memory-backed emptyDirs that the node mounts read-only. Private keys never leave the pod and are never
 *    stored in etcd.
 * 4. A workload with a persistent volume of its own (orderers, peers) also keeps the enrolled folders there
 *    ({@link ENROLL_ENV.storeDir}, private keys 0600) and reuses them while they are valid, chain to the CA and
 *    name the same hosts: a recreated orderer keeps the TLS certificate Raft knows it by. Others enroll again.
 */
import { MSP_PATHS, TLS_FILES } from '@emr/network';

/** Environment of the enroll container. */
export const ENROLL_ENV = {
  caUrl: 'EMR_CA_URL',
  caName: 'EMR_CA_NAME',
  caTrustFile: 'EMR_CA_TRUST_FILE',
  mspId: 'EMR_MSP_ID',
  enrollmentId: 'EMR_ENROLLMENT_ID',
  secretFile: 'EMR_ENROLLMENT_SECRET_FILE',
  tlsHosts: 'EMR_TLS_HOSTS',
  mspDir: 'EMR_MSP_DIR',
  tlsDir: 'EMR_TLS_DIR',
  timeoutSeconds: 'EMR_ENROLL_TIMEOUT_SECONDS',
  /** Folder on the workload's own persistent volume where enrolled credentials are kept and reused. */
  storeDir: 'EMR_CREDENTIAL_STORE_DIR',
  /** Enroll again (new keys) once a stored certificate expires within this many days. */
  renewBeforeDays: 'EMR_CREDENTIAL_RENEW_BEFORE_DAYS',
} as const;

/** Secret with the enrollment secrets of an org's identities, one key per enrollment ID. */
export function enrollmentSecretName(org: string): string {
  return `${org}-enrollments`;
}

/** ConfigMap with the root certificate of a CA (by its Service name), for clients to verify its TLS. */
export function caTrustConfigMapName(caName: string): string {
  return `${caName}-trust`;
}

export const CA_TRUST_KEY = 'ca.pem';

/** Where the enroll container finds its inputs. */
export const ENROLL_PATHS = {
  enrollmentSecrets: '/var/run/emr/enrollment',
  caTrust: '/var/run/emr/ca-trust',
  /** The workload's persistent volume in the enroll container; the store is a folder in it. */
  nodeData: '/var/lib/emr/node-data',
  storeFolder: 'enrolled-credentials',
} as const;

/**
 * How `NodeCredentials.fromSecrets()` expects credentials when the operator enrolls instead: a Secret per node
 * and folder kind with these keys (PEM; `config.yaml` is the NodeOU config).
 */
export const CREDENTIAL_SECRET_KEYS = {
  msp: {
    'cert.pem': MSP_PATHS.signcert,
    'key.pem': MSP_PATHS.privateKey,
    'ca.pem': MSP_PATHS.cacert,
    'tlsca.pem': MSP_PATHS.tlscacert,
    'config.yaml': MSP_PATHS.config,
  },
  tls: {
    'tls.crt': TLS_FILES.certificate,
    'tls.key': TLS_FILES.privateKey,
    'ca.crt': TLS_FILES.caCertificate,
  },
} as const;

export function credentialSecretName(node: string, kind: 'msp' | 'tls'): string {
  return `${node}-${kind}`;
}
