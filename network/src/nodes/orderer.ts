import { hostPort, type NodePaths, type NodeSpec, type Placement } from './node-spec';
import { images } from './versions';

export interface OrdererSpecInput {
  readonly name: string;
  readonly mspId: string;
  readonly placement: Placement;
  readonly ports: { readonly grpc: number; readonly admin: number; readonly operations: number };
  readonly paths: NodePaths;
}

/**
 * A Raft orderer without a system channel: channels are joined through the channel participation API on the
 * admin port, which requires a client certificate of the orderer org (mutual TLS).
 */
export function ordererSpec(input: OrdererSpecInput): NodeSpec {
  const { placement, ports, paths } = input;
  const tls = (file: string): string => `${paths.tls}/${file}`;
  return {
    name: input.name,
    kind: 'orderer',
    mspId: input.mspId,
    image: images.orderer,
    command: ['orderer'],
    env: {
      FABRIC_CFG_PATH: paths.fabricConfig,
      FABRIC_LOGGING_SPEC: 'INFO',
      ORDERER_GENERAL_LISTENADDRESS: placement.listenHost,
      ORDERER_GENERAL_LISTENPORT: String(ports.grpc),
      ORDERER_GENERAL_LOCALMSPID: input.mspId,
      ORDERER_GENERAL_LOCALMSPDIR: paths.msp,
      ORDERER_GENERAL_TLS_ENABLED: 'true',
      ORDERER_GENERAL_TLS_CERTIFICATE: tls('server.crt'),
      ORDERER_GENERAL_TLS_PRIVATEKEY: tls('server.key'),
      ORDERER_GENERAL_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
      // Raft traffic shares the gRPC listener; the TLS identity doubles as the consenter identity.
      ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls('server.crt'),
      ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls('server.key'),
      ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tls('ca.crt')}]`,
      ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
      ORDERER_FILELEDGER_LOCATION: `${paths.data}/ledger`,
      ORDERER_CONSENSUS_WALDIR: `${paths.data}/etcdraft/wal`,
      ORDERER_CONSENSUS_SNAPDIR: `${paths.data}/etcdraft/snapshot`,
      ORDERER_ADMIN_LISTENADDRESS: hostPort(placement.listenHost, ports.admin),
      ORDERER_ADMIN_TLS_ENABLED: 'true',
      ORDERER_ADMIN_TLS_CERTIFICATE: tls('server.crt'),
      ORDERER_ADMIN_TLS_PRIVATEKEY: tls('server.key'),
      ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${tls('ca.crt')}]`,
      ORDERER_OPERATIONS_LISTENADDRESS: hostPort(placement.listenHost, ports.operations),
      ORDERER_METRICS_PROVIDER: 'prometheus',
    },
    ports: [
      { name: 'grpc', port: ports.grpc },
      { name: 'admin', port: ports.admin },
      { name: 'operations', port: ports.operations },
    ],
    mounts: [
      { path: paths.msp, source: 'credentials', readOnly: true },
      { path: paths.tls, source: 'credentials', readOnly: true },
      { path: paths.data, source: 'data', readOnly: false },
    ],
    readiness: { scheme: 'HTTP', port: 'operations', path: '/healthz' },
  };
}
