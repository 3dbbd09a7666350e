/**
 * @emr/network — the network model shared by devnet, the cdk8s constructs, the operator and the gateway:
 * node specs, admin operations (CA, channel, orderer, peer, lifecycle), provider onboarding steps, devnet.
 */
export * from './ca';
export * as configtx from './admin/configtx';
export type { Identity } from './identity/identity';
export { writeLocalMsp, writeTlsFiles, MSP_PATHS, TLS_FILES } from './identity/msp';
export { connectGateway, type GatewayConnection } from './admin/gateway-connection';
export { newGrpcClient, grpcConnectionSettings, deadlineAfter, type GrpcEndpoint } from './admin/grpc';
export { newPeerAdmin, type PeerAdmin } from './admin/peer';
export {
  newChaincodeLifecycle,
  type ChaincodeDefinition,
  type ChaincodeLifecycle,
  type CommittedDefinition,
} from './admin/lifecycle';
export {
  MUTUAL_TLS_CONNECTION,
  packageChaincodeAsService,
  type ChaincodePackage,
  type ConnectionTemplate,
} from './admin/chaincode-package';
export * from './admin/orderer';
export { queryLedgerHeight } from './admin/ledger';
export * from './nodes/node-spec';
export { caSpec, type CaSpecInput } from './nodes/ca';
export { ordererSpec, type OrdererSpecInput } from './nodes/orderer';
export { peerSpec, type PeerSpecInput, CHAINCODE_BUILDER_CONFIG_ENV } from './nodes/peer';
export { chaincodeServerSpec, type ChaincodeServerSpecInput } from './nodes/chaincode-server';
export {
  gatewaySpec,
  gatewayAddress,
  GATEWAY_ENV,
  GATEWAY_DATABASE_FILENAME,
  GATEWAY_IMAGE_RUNTIME,
  type GatewaySpecInput,
} from './nodes/gateway';
export { images, FABRIC_VERSION, FABRIC_CA_VERSION } from './nodes/versions';
export * from './model/network-model';
export * from './provider/identities';
export { addProviderToChannel, type ChannelMembershipRequest } from './provider/membership';
export { initializeEmrProvider } from './provider/emr-provider';
export {
  getOrCreateSecret,
  requireSecret,
  newFileSecretStore,
  type SecretStore,
} from './secrets/secret-store';
export { newProgress, type Progress } from './progress';
export { withRetry, isTransientFabricError, type RetryOptions } from './retry';
export { fabricErrorText } from './fabric-error-text';
export { Devnet, type DevnetOptions } from './devnet/devnet';
export { devnetOptions, REPO_ROOT, type DevnetEnvironment } from './devnet/settings';
export type { DevnetDescription, OrganizationDescription } from './devnet/network-file';
