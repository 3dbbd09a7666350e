/**
 * Names of what the operator runs for an EmrNetwork in the network's namespace: the ordering org `orderer` (the
 * name the emr-network chart and devnet use too), its CA `ca-orderer` and the ordering service `orderer`, whose pods
 * `orderer-<i>` are also the orderers' enrollment IDs. Providers reach the ordering service by these names.
 */
export const ORDERER_ORG_NAME = 'orderer';
export const ORDERER_CA_NAME = `ca-${ORDERER_ORG_NAME}`;
export const ORDERING_SERVICE_NAME = 'orderer';
export const ORDERER_PORTS = { grpc: 7050, admin: 7053 } as const;

/** Stable DNS name of orderer `index` (the OrderingService construct's pod host). */
export function ordererHost(namespace: string, index: number, clusterDomain = 'cluster.local'): string {
  return `${ORDERING_SERVICE_NAME}-${index}.${ORDERING_SERVICE_NAME}.${namespace}.svc.${clusterDomain}`;
}

/** The gRPC address providers use for deliver and broadcast: the first orderer (Raft forwards to the leader). */
export function ordererAddress(namespace: string, clusterDomain = 'cluster.local'): string {
  return `${ordererHost(namespace, 0, clusterDomain)}:${ORDERER_PORTS.grpc}`;
}

/** Key of a stored genesis block in a ConfigMap's binaryData (the network's, or the bootstrap chart's anchor). */
export const GENESIS_KEY = 'genesis.block';
