/**
 * @emr/cdk8s — the EMR network's Kubernetes objects, rendered with cdk8s-plus-33 from the shared node specs of
 * @emr/network, so a peer in Kubernetes is configured exactly like a peer in devnet. Used by `make synth`, by
 * the emr-network Helm chart (generated from these constructs) and by the operator.
 */
export * from './conventions';
export * from './workload-options';
export * from './credentials';
export * from './network-policies';
export * from './placement';
export { FabricCa, type FabricCaProps } from './fabric-ca';
export { Peer, type PeerProps, PEER_PATHS, CCAAS_BUILDER_DIR } from './peer';
export {
  OrderingService,
  type OrderingServiceProps,
  type OrdererEndpoint,
  ORDERER_PATHS,
} from './ordering-service';
export {
  ChaincodeService,
  type ChaincodeServiceProps,
  type ChaincodeRuntime,
  DEFAULT_CHAINCODE_RUNTIME,
  DEFAULT_CHAINCODE_IMAGE,
} from './chaincode-service';
export {
  Gateway,
  type GatewayProps,
  type GatewayIngressOptions,
  type GatewayHttpRouteOptions,
  DEFAULT_GATEWAY_IMAGE,
} from './gateway';
export {
  MedicalProviderOrg,
  type MedicalProviderOrgProps,
  type ProviderImages,
  type IdentitySource,
} from './medical-provider-org';
export { EmrNetwork, type EmrNetworkProps, NETWORK_LABEL } from './emr-network';
export {
  NetworkBootstrap,
  type NetworkBootstrapProps,
  BOOTSTRAP_COMPONENT,
  BOOTSTRAP_ENV,
  DEFAULT_BOOTSTRAP_COMMAND,
  HELM_HOOKS,
} from './bootstrap';
export { EXAMPLE_NETWORK, networkChart, synthExample } from './example';
export * from './enroll/contract';
export * from './crds';
