import { EMR_NETWORK, MEDICAL_PROVIDER } from '@emr/cdk8s';
import type { ResourceType } from '../kube/types';
import type { EmrNetwork } from './emr-network';

export const MEDICAL_PROVIDERS: ResourceType = {
  group: MEDICAL_PROVIDER.group,
  version: MEDICAL_PROVIDER.version,
  plural: MEDICAL_PROVIDER.plural,
  namespaced: true,
};

export const EMR_NETWORKS: ResourceType = {
  group: EMR_NETWORK.group,
  version: EMR_NETWORK.version,
  plural: EMR_NETWORK.plural,
  namespaced: true,
};

/** The part of an EmrNetwork the operator reads. */
export interface EmrNetworkObject {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec?: { readonly channel?: string; readonly chaincode?: { readonly endorsementPolicy?: string } };
  readonly status?: EmrNetwork['status'];
}

export const DEFAULT_ENDORSEMENT_POLICY = '/Channel/Application/AnyEndorsement';
