/** Versions of the Fabric components; the Kubernetes images match the binaries that `make tools` builds. */
export const FABRIC_VERSION = '3.1.1';
export const FABRIC_CA_VERSION = '1.5.21';

export const images = {
  ca: `hyperledger/fabric-ca:${FABRIC_CA_VERSION}`,
  orderer: `hyperledger/fabric-orderer:${FABRIC_VERSION}`,
  peer: `hyperledger/fabric-peer:${FABRIC_VERSION}`,
} as const;
