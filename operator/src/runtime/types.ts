/**
 * What the reconcile steps need from the world around Fabric, behind narrow interfaces so that the same steps run
 * against workloads in Kubernetes and against devnet's local processes (tests, benchmark, local development).
 */
import type { GrpcEndpoint, Identity, SecretStore } from '@emr/network';
import type { ConsentPolicy } from '../provider/consent';
import type { MedicalProvider } from '../api/medical-provider';

/** Whether a workload runs and answers, as a person reads it. */
export interface WorkloadState {
  readonly ready: boolean;
  /** e.g. `1/1 peers ready`, `StatefulSet ca-provider3: 0/1 ready`. */
  readonly message: string;
  readonly readyCount?: number;
  readonly total?: number;
}

/** Starts (idempotently) and checks a provider's workloads: its CA, peers, chaincode server and gateway. */
export interface ProviderWorkloads {
  ensureCa(): Promise<WorkloadState>;
  /** Peers with their credentials (enrolled from the identities the operator registered). */
  ensurePeers(): Promise<WorkloadState>;
  ensureChaincodeServer(packageId: string): Promise<WorkloadState>;
  ensureGateway(): Promise<WorkloadState>;
  /** Removes what ensure* created (deletion of the MedicalProvider). */
  remove(): Promise<void>;
}

export interface CaEndpoint {
  readonly url: string;
  readonly caName: string;
  /** PEM trusted for the CA's TLS certificate. */
  readonly tlsCaCertificate: string;
}

export interface PeerEndpoint extends GrpcEndpoint {
  readonly name: string;
  /** Host and port other orgs' peers reach it at: the anchor peer in the channel config. */
  readonly anchor: { readonly host: string; readonly port: number };
}

/** Where a provider's Fabric endpoints are. */
export interface ProviderEndpoints {
  ca(): Promise<CaEndpoint>;
  orderer(): Promise<GrpcEndpoint>;
  peers(): Promise<readonly PeerEndpoint[]>;
}

/** A provider's workloads and endpoints in one runtime. */
export interface ProviderRuntime {
  readonly workloads: ProviderWorkloads;
  readonly endpoints: ProviderEndpoints;
}

export interface RuntimeContext {
  /** The provider's own Secrets (its namespace): registrar password, enrollment secrets, admin identity. */
  readonly secrets: SecretStore;
}

/** Makes the runtime of one provider: Kubernetes workloads, or devnet processes. */
export interface RuntimeFactory {
  forProvider(provider: MedicalProvider, context: RuntimeContext): ProviderRuntime;
}

/** A member of the channel as the operator knows it: how it consents and who signs for it. */
export interface Member {
  readonly mspId: string;
  readonly consent: ConsentPolicy;
  /** Candidates an admin of the member approved (consent mode Manual). */
  readonly approvals: readonly string[];
  /** The member's admin identity, or why it is not at hand. */
  admin(): Promise<Identity | { readonly unavailable: string }>;
  /** Where to record that the member signed (an audit Event on its resource). */
  readonly resource?: MedicalProvider;
}

export interface MemberDirectory {
  /** The member with this MSP ID, or undefined when no resource of this operator represents it. */
  member(mspId: string): Promise<Member | undefined>;
  /** Every provider of the network this operator knows (members or not). */
  list(): Promise<readonly Member[]>;
}

/** What the operator must know of the network a provider joins. */
export interface NetworkSettings {
  readonly channel: string;
  /** Channel policy reference of the chaincode definition, e.g. `/Channel/Application/AnyEndorsement`. */
  readonly endorsementPolicyReference: string;
  /**
   * Whether the network's channel exists yet (its EmrNetwork's ChannelCreated condition); undefined when nothing
   * reconciles the network here (devnet's channel, or an ordering service run elsewhere).
   */
  readonly channelCreated?: boolean;
}

export interface NetworkResolver {
  /** The settings, or why they cannot be known yet (e.g. the EmrNetwork does not exist). */
  resolve(provider: MedicalProvider): Promise<NetworkSettings | { readonly unavailable: string }>;
}
