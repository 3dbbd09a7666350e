import { hostPort, type NodeSpec, type Placement, type SecretKeyRef } from './node-spec';
import { images } from './versions';

export interface CaSpecInput {
  /** Node name, e.g. `ca-provider1`. */
  readonly name: string;
  readonly mspId: string;
  /** The CA's name (`caname`), also its certificate's CN. */
  readonly caName: string;
  readonly placement: Placement;
  readonly ports: { readonly api: number; readonly operations: number };
  /** FABRIC_CA_HOME: keys, certificates and the SQLite registry. */
  readonly home: string;
  /** Host names and IPs in the CA's TLS certificate. */
  readonly csrHosts: readonly string[];
  /** The bootstrap registrar. Its secret is never part of the spec, only a reference to it. */
  readonly bootstrap: { readonly enrollmentId: string; readonly secret: SecretKeyRef };
}

/** A Fabric CA server with TLS; it signs enrollment and TLS certificates (`tls` profile) for one org. */
export function caSpec(input: CaSpecInput): NodeSpec {
  const { placement, ports } = input;
  return {
    name: input.name,
    kind: 'ca',
    mspId: input.mspId,
    image: images.ca,
    // The registrar's `id:secret` goes in through the environment (the `boot` setting, the same as `-b`), never the
    // command line, which every user of the host can read (`ps`). Composed from the two variables defined before
    // it, by the kubelet in a pod and by devnet's expandEnv.
    command: ['fabric-ca-server', 'start'],
    env: {
      CA_BOOTSTRAP_ID: input.bootstrap.enrollmentId,
      CA_BOOTSTRAP_SECRET: { secret: input.bootstrap.secret },
      FABRIC_CA_SERVER_BOOT: '$(CA_BOOTSTRAP_ID):$(CA_BOOTSTRAP_SECRET)',
      FABRIC_CA_HOME: input.home,
      // Takes precedence over FABRIC_CA_HOME, and images (ours, the stock one) set it to their own folder.
      FABRIC_CA_SERVER_HOME: input.home,
      FABRIC_CA_SERVER_ADDRESS: placement.listenHost,
      FABRIC_CA_SERVER_PORT: String(ports.api),
      FABRIC_CA_SERVER_CA_NAME: input.caName,
      FABRIC_CA_SERVER_CSR_CN: input.caName,
      FABRIC_CA_SERVER_CSR_HOSTS: input.csrHosts.join(','),
      FABRIC_CA_SERVER_TLS_ENABLED: 'true',
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: hostPort(placement.listenHost, ports.operations),
      FABRIC_CA_SERVER_METRICS_PROVIDER: 'prometheus',
    },
    ports: [
      { name: 'https', port: ports.api },
      { name: 'operations', port: ports.operations },
    ],
    mounts: [{ path: input.home, source: 'data', readOnly: false }],
    readiness: { scheme: 'HTTP', port: 'operations', path: '/healthz' },
  };
}
