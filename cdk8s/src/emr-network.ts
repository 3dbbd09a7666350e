import { Namespace } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { defaultNetworkModel, type NetworkModel, type OrgModel } from '@emr/network';
import { NetworkBootstrap, type NetworkBootstrapProps } from './bootstrap';
import { API_GROUP, assertDnsLabel, LABELS, ORG_LABEL, PART_OF } from './conventions';
import { NodeCredentials } from './credentials';
import { enrollmentSecretName } from './enroll/contract';
import { FabricCa } from './fabric-ca';
import { type IdentitySource, MedicalProviderOrg, type ProviderImages } from './medical-provider-org';
import { OrgNetworkBaseline } from './network-policies';
import { OrderingService } from './ordering-service';
import type { SpreadOptions } from './placement';
import { withDefaults, type ImageRef, type StorageOptions, type WorkloadOptions } from './workload-options';

/** Label on the network's namespaces; NetworkPolicies of one org select the others' namespaces by it. */
export const NETWORK_LABEL = `${API_GROUP}/network`;

export interface EmrNetworkProps extends Omit<WorkloadOptions, 'namespace'> {
  /** Orgs, channel and chaincode. @default defaultNetworkModel(2): 3 orderers, provider1 and provider2 */
  readonly model?: NetworkModel;
  /** Name of the network, the value of NETWORK_LABEL. @default 'emr' */
  readonly name?: string;
  /**
   * One namespace for every org (a Helm release's namespace). When omitted each org gets its own namespace,
   * `<namespacePrefix><org.name>` — the production layout, keys of one org out of reach of the others' RBAC.
   * @default - one namespace per org
   */
  readonly namespace?: string;
  /** @default 'emr-' */
  readonly namespacePrefix?: string;
  /**
   * Render the per-org Namespaces, enforcing the `restricted` Pod Security Standard. Ignored with `namespace`.
   * @default true
   */
  readonly createNamespaces?: boolean;
  /** @default see ProviderImages; orderer hyperledger/fabric-orderer:3.1.1 */
  readonly images?: ProviderImages & { readonly orderer?: ImageRef };
  /** @default 1 */
  readonly peersPerProvider?: number;
  /** @default 'enroll' */
  readonly identities?: IdentitySource;
  /** @default ['node', '/app/node_modules/@emr/cdk8s/dist/enroll/cli.js'] */
  readonly enrollCommand?: readonly string[];
  /**
   * Render the bootstrap Jobs that register the identities and create the channel (./bootstrap.ts). Needs
   * `namespace`: the steps work in one namespace. Image, pull policy, identity and cluster domain are the network's.
   * @default false
   */
  readonly bootstrap?: false | Pick<NetworkBootstrapProps, 'name' | 'command' | 'revision' | 'helmHooks'>;
  /** @default CA 1Gi, orderer 10Gi, peer 10Gi, gateway 1Gi */
  readonly storage?: {
    readonly ca?: StorageOptions;
    readonly orderer?: StorageOptions;
    readonly peer?: StorageOptions;
    readonly gateway?: StorageOptions;
  };
  /**
   * Spread the orderers, each provider's peers and every workload's replicas over nodes and zones. Preferred,
   * never required: a single-node cluster still runs everything.
   * @default across nodes and zones
   */
  readonly spread?: SpreadOptions | false;
  /**
   * PodDisruptionBudgets for the orderers ((replicas - 1) / 2 at a time) and for providers with several peers
   * (one at a time).
   * @default true
   */
  readonly disruptionBudgets?: boolean;
}

/**
 * A bootstrap network: the ordering org (CA + Raft ordering service) and the first medical providers, each org in
 * its own namespace (or all in one). Creating the channel and committing the chaincode are Fabric operations on
 * top of these workloads (the operator's job); later providers join as MedicalProvider resources.
 */
export class EmrNetwork extends Construct {
  readonly model: NetworkModel;
  readonly ordererCa: FabricCa;
  readonly orderingService: OrderingService;
  readonly providers: readonly MedicalProviderOrg[];
  /** Namespace of each org by OrgModel.name. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** The bootstrap Jobs, when rendered. */
  readonly bootstrap?: NetworkBootstrap;

  constructor(scope: Construct, id: string, networkProps: EmrNetworkProps = {}) {
    super(scope, id);
    const props = withDefaults(networkProps, {
      model: defaultNetworkModel(2),
      name: 'emr',
      namespacePrefix: 'emr-',
      createNamespaces: true,
      images: {},
      storage: {},
      managedBy: 'cdk8s',
    });
    this.model = props.model;
    assertDnsLabel(props.name, 'network name');
    const orgs: OrgModel[] = [this.model.ordererOrg, ...this.model.providers];
    const namespaceOf = (org: OrgModel): string => props.namespace ?? `${props.namespacePrefix}${org.name}`;
    this.namespaces = new Map(orgs.map((org) => [org.name, namespaceOf(org)]));
    const perOrg = props.namespace === undefined;
    if (perOrg && props.createNamespaces) {
      for (const org of orgs) this.#namespace(org, namespaceOf(org), props.name, props.managedBy);
    }
    const common: WorkloadOptions = {
      podIdentity: props.podIdentity,
      imagePullPolicy: props.imagePullPolicy,
      imagePullSecret: props.imagePullSecret,
      managedBy: props.managedBy,
      clusterDomain: props.clusterDomain,
      networkPolicy: props.networkPolicy,
      networkAccess: {
        ...props.networkAccess,
        networkNamespaces: perOrg
          ? { kind: 'labels', labels: { [NETWORK_LABEL]: props.name } }
          : { kind: 'same' },
      },
    };
    const ordererOrg = this.model.ordererOrg;
    const ordererNamespace = namespaceOf(ordererOrg);
    if (props.networkPolicy ?? true) {
      new OrgNetworkBaseline(this, 'OrdererBaseline', {
        org: ordererOrg.name,
        namespace: ordererNamespace,
        labels: {
          [LABELS.partOf]: PART_OF,
          [ORG_LABEL]: ordererOrg.name,
          [LABELS.managedBy]: props.managedBy,
        },
      });
    }
    this.ordererCa = new FabricCa(this, 'OrdererCa', {
      ...common,
      namespace: ordererNamespace,
      org: ordererOrg,
      image: props.images.ca,
      storage: props.storage.ca,
    });
    this.orderingService = new OrderingService(this, 'Orderers', {
      ...common,
      namespace: ordererNamespace,
      org: ordererOrg,
      replicas: ordererOrg.orderers,
      credentials:
        props.identities === 'secrets'
          ? NodeCredentials.fromSecrets()
          : NodeCredentials.enrollFromCa({
              ca: this.ordererCa.endpoint,
              image: props.images.tools,
              command: props.enrollCommand,
            }),
      image: props.images.orderer,
      storage: props.storage.orderer,
      spread: props.spread,
      ...(props.disruptionBudgets === false ? { disruptionBudget: false } : {}),
    });
    this.providers = this.model.providers.map(
      (provider) =>
        new MedicalProviderOrg(this, provider.name, {
          ...common,
          namespace: namespaceOf(provider),
          org: provider,
          channel: this.model.channelId,
          chaincode: { name: this.model.chaincode.name, version: this.model.chaincode.version },
          peers: props.peersPerProvider,
          images: props.images,
          identities: props.identities,
          enrollCommand: props.enrollCommand,
          storage: props.storage,
          spread: props.spread,
          ...(props.disruptionBudgets === false ? { peerDisruptionBudget: false } : {}),
        }),
    );
    if (props.bootstrap) this.bootstrap = this.#bootstrap(props, props.bootstrap);
  }

  #bootstrap(
    props: EmrNetworkProps & { readonly images: NonNullable<EmrNetworkProps['images']> },
    options: Exclude<EmrNetworkProps['bootstrap'], false | undefined>,
  ): NetworkBootstrap {
    if (props.namespace === undefined) {
      throw new Error('bootstrap needs one namespace for the whole network (the `namespace` prop)');
    }
    const cas = [this.ordererCa, ...this.providers.map((provider) => provider.ca)];
    const orgs = [this.model.ordererOrg, ...this.model.providers];
    return new NetworkBootstrap(this, 'Bootstrap', {
      ...options,
      namespace: props.namespace,
      objects: {
        secrets: [
          ...cas.map((ca) => ca.registrarSecret.name),
          ...orgs.map((org) => enrollmentSecretName(org.name)),
          ...this.providers.flatMap((provider) =>
            provider.peers.map((peer) => peer.chaincodeBuilderConfig.name),
          ),
        ],
        configMaps: cas.map((ca) => ca.endpoint.trustConfigMap),
      },
      ...(props.images.tools ? { image: props.images.tools } : {}),
      ...(props.imagePullPolicy ? { imagePullPolicy: props.imagePullPolicy } : {}),
      ...(props.podIdentity ? { podIdentity: props.podIdentity } : {}),
      ...(props.clusterDomain ? { clusterDomain: props.clusterDomain } : {}),
      ...(props.managedBy ? { managedBy: props.managedBy } : {}),
    });
  }

  #namespace(org: OrgModel, name: string, network: string, managedBy: string | undefined): void {
    assertDnsLabel(name, 'namespace');
    new Namespace(this, `Namespace-${org.name}`, {
      metadata: {
        name,
        labels: {
          [NETWORK_LABEL]: network,
          [ORG_LABEL]: org.name,
          [LABELS.partOf]: PART_OF,
          [LABELS.managedBy]: managedBy ?? 'cdk8s',
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
      },
    });
  }
}
