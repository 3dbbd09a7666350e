import { hostPort, type NodeSpec, type Placement } from './node-spec';

export interface ChaincodeServerSpecInput {
  readonly name: string;
  readonly mspId: string;
  readonly placement: Placement;
  readonly port: number;
  /** Package ID (`label:sha256`) the peers know the chaincode by. */
  readonly packageId: string;
  /** Folder with server.crt, server.key and ca.crt (the CA whose clients — the org's peers — may connect). */
  readonly tlsDir: string;
  /** Image that contains the chaincode; `image` on Kubernetes, unused on devnet. */
  readonly image: string;
  /** How to start Node.js and where the chaincode package lives in the node's file system. */
  readonly runtime: { readonly node: string; readonly shimCli: string; readonly modulePath: string };
}

/**
 * The EMR chaincode served to the peers (chaincode as a service). One server per org: the contract reads the
 * org it runs for from CORE_PEER_LOCALMSPID. The shim reads every flag from a CORE_-prefixed variable.
 */
export function chaincodeServerSpec(input: ChaincodeServerSpecInput): NodeSpec {
  const tls = (file: string): string => `${input.tlsDir}/${file}`;
  return {
    name: input.name,
    kind: 'chaincode',
    mspId: input.mspId,
    image: input.image,
    command: [input.runtime.node, input.runtime.shimCli, 'server'],
    env: {
      CORE_CHAINCODE_ADDRESS: hostPort(input.placement.listenHost, input.port),
      CORE_CHAINCODE_ID: input.packageId,
      CORE_PEER_LOCALMSPID: input.mspId,
      CORE_MODULE_PATH: input.runtime.modulePath,
      CORE_CHAINCODE_TLS_CERT_FILE: tls('server.crt'),
      CORE_CHAINCODE_TLS_KEY_FILE: tls('server.key'),
      CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE: tls('ca.crt'),
      NODE_ENV: 'production',
    },
    ports: [{ name: 'grpc', port: input.port }],
    mounts: [{ path: input.tlsDir, source: 'credentials', readOnly: true }],
    readiness: { scheme: 'TCP', port: 'grpc' },
  };
}
