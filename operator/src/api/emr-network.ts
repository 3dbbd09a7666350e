/**
 * The EmrNetwork resource as the operator reads and writes it: the ordering service and the channel that
 * MedicalProviders join. The CRD (schema, defaults, printer columns) is defined once in @emr/cdk8s; these types
 * mirror its spec after defaulting and the status the operator owns.
 */
import { API_GROUP, EMR_NETWORK } from '@emr/cdk8s';
import type { KubeObject, ObjectMeta } from '../kube/types';
import type { Condition, ImageSpec, SecretKeySelector } from './medical-provider';

export const EMR_NETWORK_API_VERSION = `${EMR_NETWORK.group}/${EMR_NETWORK.version}`;

/** Label on every object the operator creates for a network: the EmrNetwork's name. */
export const NETWORK_OWNER_LABEL = `${API_GROUP}/emr-network`;

export interface EmrNetworkSpec {
  readonly channel: string;
  readonly ordererOrg: { readonly mspId: string; readonly caRegistrarSecretRef: SecretKeySelector };
  readonly orderers: {
    readonly replicas: number;
    readonly storage?: { readonly size?: string; readonly storageClassName?: string };
    readonly image?: ImageSpec;
  };
  readonly foundingMembers: readonly string[];
  readonly chaincode?: { readonly name?: string; readonly endorsementPolicy?: string };
  readonly membershipPolicy?: 'MAJORITY' | 'ALL' | 'ANY';
}

export type NetworkPhase = 'Pending' | 'Provisioning' | 'Ready' | 'Failed';

export interface EmrNetworkStatus {
  readonly observedGeneration?: number;
  readonly phase?: NetworkPhase;
  readonly members?: readonly string[];
  readonly height?: number;
  readonly ordererEndpoints?: readonly string[];
  readonly conditions?: readonly Condition[];
}

export interface EmrNetwork extends KubeObject {
  readonly metadata: ObjectMeta & { readonly name: string; readonly namespace: string };
  readonly spec: EmrNetworkSpec;
  readonly status?: EmrNetworkStatus;
}

/** The conditions of an EmrNetwork, in the order they are reached; `Ready` summarizes them. */
export const NETWORK_CONDITION_TYPES = ['OrderersReady', 'ChannelCreated'] as const;
export type NetworkConditionType = (typeof NETWORK_CONDITION_TYPES)[number];
export const CHANNEL_CREATED: NetworkConditionType = 'ChannelCreated';
