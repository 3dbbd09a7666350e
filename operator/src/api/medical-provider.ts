/**
 * The MedicalProvider resource as the operator reads and writes it. The CRD itself (schema, defaults, printer
 * columns) is defined once in @emr/cdk8s; these types mirror its spec after defaulting and the status the
 * operator owns.
 */
import { API_GROUP, MEDICAL_PROVIDER } from '@emr/cdk8s';
import type { KubeObject, ObjectMeta } from '../kube/types';

export { MEDICAL_PROVIDER };

export const MEDICAL_PROVIDER_API_VERSION = `${MEDICAL_PROVIDER.group}/${MEDICAL_PROVIDER.version}`;

/** The one field manager of every write the operator makes (server-side apply, patches). */
export const FIELD_MANAGER = 'emr-operator';

/** Added before the operator creates anything for a provider; removed after it cleaned up. */
export const FINALIZER = `${API_GROUP}/cleanup`;

/**
 * On a member's MedicalProvider, under consent mode Manual: the MSP IDs its admin approves for admission,
 * separated by commas or spaces, e.g. `kubectl annotate mp provider1 -n provider1 emr-fabric.dev/approve=Provider3MSP`.
 */
export const APPROVE_ANNOTATION = `${API_GROUP}/approve`;

/** Label on every object the operator creates for a provider: the provider's name. */
export const PROVIDER_LABEL = `${API_GROUP}/provider`;

export type ConsentMode = 'Automatic' | 'AllowList' | 'Manual';

export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}

export interface ImageSpec {
  readonly repository: string;
  readonly tag: string;
}

export interface MedicalProviderSpec {
  readonly mspId: string;
  readonly displayName: string;
  readonly network: { readonly name: string; readonly namespace: string; readonly channel: string };
  readonly peers: {
    readonly replicas: number;
    readonly storage?: { readonly size?: string; readonly storageClassName?: string };
  };
  readonly ca: {
    readonly registrarSecretRef: SecretKeySelector;
    readonly storage?: { readonly size?: string; readonly storageClassName?: string };
  };
  readonly chaincode: { readonly name: string; readonly version: string; readonly image?: ImageSpec };
  readonly gateway: {
    readonly replicas: number;
    readonly hostname?: string;
    readonly exposure?: 'None' | 'Ingress' | 'HTTPRoute';
    readonly keysSecretRef?: { readonly name: string };
    readonly storage?: { readonly size?: string; readonly storageClassName?: string };
    readonly image?: ImageSpec;
  };
  readonly images?: { readonly ca?: ImageSpec; readonly peer?: ImageSpec };
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly consentPolicy: { readonly mode: ConsentMode; readonly allowedMspIds?: readonly string[] };
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** metav1.Condition. */
export interface Condition {
  readonly type: string;
  readonly status: ConditionStatus;
  readonly observedGeneration: number;
  readonly lastTransitionTime: string;
  readonly reason: string;
  readonly message: string;
}

export type Phase =
  | 'Pending'
  | 'Provisioning'
  | 'Enrolling'
  | 'AwaitingApproval'
  | 'JoiningChannel'
  | 'DeployingChaincode'
  | 'Ready'
  | 'Failed'
  | 'Deleting';

export interface ChaincodeStatus {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  readonly packageId: string;
  readonly summary: string;
}

export interface MedicalProviderStatus {
  readonly observedGeneration?: number;
  readonly phase?: Phase;
  readonly channel?: string;
  /** Peers joined to the channel, `n/m`. */
  readonly joined?: string;
  /** Signatures collected for the admitting channel update, `k/n`: k collected of the n required. */
  readonly signatures?: string;
  readonly signedBy?: readonly string[];
  readonly chaincode?: ChaincodeStatus;
  readonly conditions?: readonly Condition[];
}

export interface MedicalProvider extends KubeObject {
  readonly metadata: ObjectMeta & { readonly name: string; readonly namespace: string };
  readonly spec: MedicalProviderSpec;
  readonly status?: MedicalProviderStatus;
}

/** The condition types, in the order their steps run; `Ready` summarizes them. */
export const CONDITION_TYPES = [
  'CAReady',
  'IdentitiesEnrolled',
  'PeersReady',
  'ChannelMembershipApproved',
  'ChannelUpdated',
  'ChannelJoined',
  'ChaincodeApproved',
  'ChaincodeCommitted',
  'ProviderInitialized',
  'GatewayReady',
] as const;

export type StepConditionType = (typeof CONDITION_TYPES)[number];
export const READY = 'Ready';

/** `namespace/name`, the work queue's key. */
export function objectKey(object: { metadata: { namespace?: string; name?: string } }): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

export function parseKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
