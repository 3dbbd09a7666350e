import { hostPort, type NodePaths, type NodeSpec, type Placement, type SecretKeyRef } from './node-spec';
import { images } from './versions';

export interface PeerSpecInput {
  readonly name: string;
  readonly mspId: string;
  readonly placement: Placement;
  readonly ports: { readonly grpc: number; readonly chaincode: number; readonly operations: number };
  readonly paths: NodePaths;
  /** Another peer of the same org to learn gossip membership from; the peer itself when it is alone. */
  readonly gossipBootstrap?: string;
  /**
   * The chaincode-as-a-service external builder. Its config (address of the org's chaincode server and the
   * TLS material the peer dials it with) contains a private key, so it comes from a secret.
   */
  readonly chaincodeBuilder: { readonly dir: string; readonly config: SecretKeyRef };
}

export const CHAINCODE_BUILDER_CONFIG_ENV = 'CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG';

/** A LevelDB peer that runs chaincode only as external services (no Docker). */
export function peerSpec(input: PeerSpecInput): NodeSpec {
  const { placement, ports, paths } = input;
  const address = hostPort(placement.advertisedHost, ports.grpc);
  return {
    name: input.name,
    kind: 'peer',
    mspId: input.mspId,
    image: images.peer,
    command: ['peer', 'node', 'start'],
    env: {
      FABRIC_CFG_PATH: paths.fabricConfig,
      FABRIC_LOGGING_SPEC: 'INFO',
      CORE_PEER_ID: input.name,
      CORE_PEER_LOCALMSPID: input.mspId,
      CORE_PEER_MSPCONFIGPATH: paths.msp,
      CORE_PEER_ADDRESS: address,
      CORE_PEER_LISTENADDRESS: hostPort(placement.listenHost, ports.grpc),
      CORE_PEER_CHAINCODEADDRESS: hostPort(placement.advertisedHost, ports.chaincode),
      CORE_PEER_CHAINCODELISTENADDRESS: hostPort(placement.listenHost, ports.chaincode),
      // The Gateway service discovers endorsers of other orgs through gossip: every peer must advertise itself.
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
      CORE_PEER_GOSSIP_BOOTSTRAP: input.gossipBootstrap ?? address,
      // Right after a join, the first gossip round to other orgs fails once; the 25 s default retry leaves the
      // Gateway without endorsers of those orgs for that long.
      CORE_PEER_GOSSIP_RECONNECTINTERVAL: '2s',
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_CERT_FILE: `${paths.tls}/server.crt`,
      CORE_PEER_TLS_KEY_FILE: `${paths.tls}/server.key`,
      CORE_PEER_TLS_ROOTCERT_FILE: `${paths.tls}/ca.crt`,
      CORE_PEER_FILESYSTEMPATH: `${paths.data}/ledger`,
      CORE_LEDGER_SNAPSHOTS_ROOTDIR: `${paths.data}/snapshots`,
      // Purged private data (GDPR erasure) leaves the history at the next block rather than after 100.
      CORE_LEDGER_PVTDATASTORE_PURGEINTERVAL: '1',
      CORE_OPERATIONS_LISTENADDRESS: hostPort(placement.listenHost, ports.operations),
      CORE_METRICS_PROVIDER: 'prometheus',
      // No Docker: an empty endpoint disables the Docker builder and its health check (Fabric 3.x honours
      // empty env values); chaincode runs only through the external builder below.
      CORE_VM_ENDPOINT: '',
      CORE_CHAINCODE_EXTERNALBUILDERS: `[{name: ccaas, path: ${input.chaincodeBuilder.dir}, propagateEnvironment: [${CHAINCODE_BUILDER_CONFIG_ENV}]}]`,
      [CHAINCODE_BUILDER_CONFIG_ENV]: { secret: input.chaincodeBuilder.config },
    },
    ports: [
      { name: 'grpc', port: ports.grpc },
      { name: 'chaincode', port: ports.chaincode },
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
