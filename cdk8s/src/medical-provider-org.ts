import { Construct } from 'constructs';
import type { OrgModel, SecretKeyRef } from '@emr/network';
import { assertDnsLabel, componentSelector, LABELS, ORG_LABEL, PART_OF } from './conventions';
import { ChaincodeService, type ChaincodeRuntime } from './chaincode-service';
import { NodeCredentials } from './credentials';
import { FabricCa } from './fabric-ca';
import { Gateway, type GatewayHttpRouteOptions, type GatewayIngressOptions } from './gateway';
import { OrgNetworkBaseline } from './network-policies';
import { Peer } from './peer';
import {
  podDisruptionBudget,
  replicaDisruptionBudget,
  type DisruptionBudgetOptions,
  type SpreadOptions,
} from './placement';
import { withDefaults, type ImageRef, type StorageOptions, type WorkloadOptions } from './workload-options';
import { namespaceOf } from './workload-support';

/** Images of a provider's workloads. */
export interface ProviderImages {
  /** @default hyperledger/fabric-ca:1.5.21 */
  readonly ca?: ImageRef;
  /** @default hyperledger/fabric-peer:3.1.1 */
  readonly peer?: ImageRef;
  /** @default emr/chaincode:0.1.0 */
  readonly chaincode?: ImageRef;
  /** @default emr/gateway:0.1.0 */
  readonly gateway?: ImageRef;
  /** Runs the enroll init containers. @default emr/operator:0.1.0 */
  readonly tools?: ImageRef;
}

/** Where identities come from: enrolled by each workload at the org's CA, or Secrets the operator wrote. */
export type IdentitySource = 'enroll' | 'secrets';

export interface MedicalProviderOrgProps extends WorkloadOptions {
  /** Name (DNS label, e.g. `provider3`) and MSP ID of the provider. */
  readonly org: OrgModel;
  /** @default 1 */
  readonly peers?: number;
  /** @default see ProviderImages */
  readonly images?: ProviderImages;
  /** @default CA 1Gi, each peer 10Gi, gateway 1Gi, the default StorageClass */
  readonly storage?: {
    readonly ca?: StorageOptions;
    readonly peer?: StorageOptions;
    readonly gateway?: StorageOptions;
  };
  /** Channel the gateway transacts on. @default 'emr' */
  readonly channel?: string;
  /** The chaincode the org's chaincode server runs. @default { name: 'emr', version: '1.0' } */
  readonly chaincode?: { readonly name: string; readonly version: string };
  /** @default DEFAULT_CHAINCODE_RUNTIME */
  readonly chaincodeRuntime?: ChaincodeRuntime;
  /** @default 'enroll' */
  readonly identities?: IdentitySource;
  /** Enroll command of the tools image. @default ['node', '/app/node_modules/@emr/cdk8s/dist/enroll/cli.js'] */
  readonly enrollCommand?: readonly string[];
  /** The CA's bootstrap registrar password. @default { name: `ca-<org>-registrar`, key: 'secret' } */
  readonly registrarSecret?: SecretKeyRef;
  /** @default a gateway without Ingress or HTTPRoute */
  readonly gateway?: {
    /** @default true */
    readonly enabled?: boolean;
    readonly ingress?: GatewayIngressOptions;
    readonly httpRoute?: GatewayHttpRouteOptions;
    /** Secret with the keys `jwt-key` and `key-encryption-key`. @default `gateway-<org>-keys` */
    readonly keysSecret?: string;
  };
  /**
   * Keep the org's peers apart from each other, and each workload's replicas apart, over nodes and zones.
   * Preferred, never required.
   * @default across nodes and zones
   */
  readonly spread?: SpreadOptions | false;
  /**
   * PodDisruptionBudget `peers-<org>` over all the org's peers, so that a node drain leaves the org endorsing.
   * @default { maxUnavailable: 1 } for more than one peer; none for one (it would protect nothing)
   */
  readonly peerDisruptionBudget?: DisruptionBudgetOptions | false;
}

/**
 * Everything one medical provider runs: its CA, its peers, its chaincode server and its REST gateway, plus a
 * NetworkPolicy baseline that isolates them. What the operator renders for a MedicalProvider resource and what
 * EmrNetwork renders for each of the first providers.
 */
export class MedicalProviderOrg extends Construct {
  readonly org: OrgModel;
  readonly namespace: string | undefined;
  readonly ca: FabricCa;
  readonly peers: readonly Peer[];
  readonly chaincode: ChaincodeService;
  readonly gateway?: Gateway;

  constructor(scope: Construct, id: string, orgProps: MedicalProviderOrgProps) {
    super(scope, id);
    const props = withDefaults(orgProps, {
      peers: 1,
      images: {},
      storage: {},
      identities: 'enroll',
      registrarSecret: { name: `ca-${orgProps.org.name}-registrar`, key: 'secret' },
      gateway: {},
      managedBy: 'cdk8s',
    });
    assertDnsLabel(props.org.name, 'provider name');
    if (!Number.isInteger(props.peers) || props.peers < 1 || props.peers > 9) {
      throw new RangeError(`a provider runs 1 to 9 peers, not ${props.peers}`);
    }
    this.org = props.org;
    this.namespace = namespaceOf(this, props.namespace);
    const common: WorkloadOptions = {
      namespace: this.namespace,
      podIdentity: props.podIdentity,
      imagePullPolicy: props.imagePullPolicy,
      imagePullSecret: props.imagePullSecret,
      managedBy: props.managedBy,
      clusterDomain: props.clusterDomain,
      networkAccess: props.networkAccess,
      networkPolicy: props.networkPolicy,
    };
    const { images, storage } = props;
    const registrar = { enrollmentId: 'registrar', secret: props.registrarSecret };
    if (props.networkPolicy ?? true) {
      new OrgNetworkBaseline(this, 'Baseline', {
        org: props.org.name,
        namespace: this.namespace,
        labels: {
          [LABELS.partOf]: PART_OF,
          [ORG_LABEL]: props.org.name,
          [LABELS.managedBy]: props.managedBy,
        },
      });
    }
    this.ca = new FabricCa(this, 'Ca', {
      ...common,
      org: props.org,
      registrarSecret: registrar.secret,
      registrarId: registrar.enrollmentId,
      image: images.ca,
      storage: storage.ca,
    });
    const credentials = (): NodeCredentials =>
      props.identities === 'secrets'
        ? NodeCredentials.fromSecrets()
        : NodeCredentials.enrollFromCa({
            ca: this.ca.endpoint,
            image: images.tools,
            command: props.enrollCommand,
          });
    const peers = Array.from({ length: props.peers }, (_, i) => `peer${i}-${props.org.name}`).reduce<Peer[]>(
      (created, name, i) => [
        ...created,
        new Peer(this, `Peer${i}`, {
          ...common,
          org: props.org,
          name,
          credentials: credentials(),
          // Every peer learns gossip membership from the first.
          gossipBootstrap: created[0]?.address,
          image: images.peer,
          storage: storage.peer,
          spread: props.spread,
        }),
      ],
      [],
    );
    this.peers = peers;
    this.#peerDisruptionBudget(props);
    this.chaincode = new ChaincodeService(this, 'Chaincode', {
      ...common,
      org: props.org,
      credentials: credentials(),
      chaincode: props.chaincode,
      runtime: props.chaincodeRuntime,
      image: images.chaincode,
      spread: props.spread,
    });
    if (props.gateway.enabled ?? true) {
      this.gateway = new Gateway(this, 'Gateway', {
        ...common,
        org: props.org,
        peerAddress: peers[0]?.address ?? '',
        ca: this.ca.endpoint,
        registrar,
        credentials: credentials(),
        channel: props.channel,
        chaincode: props.chaincode?.name,
        image: images.gateway,
        storage: storage.gateway,
        ingress: props.gateway.ingress,
        httpRoute: props.gateway.httpRoute,
        spread: props.spread,
        ...(props.gateway.keysSecret
          ? {
              keys: {
                jwtKey: { name: props.gateway.keysSecret, key: 'jwt-key' },
                keyEncryptionKey: { name: props.gateway.keysSecret, key: 'key-encryption-key' },
              },
            }
          : {}),
      });
    }
  }

  #peerDisruptionBudget(props: MedicalProviderOrgProps & { readonly managedBy: string }): void {
    const maxUnavailable = replicaDisruptionBudget(this.peers.length, props.peerDisruptionBudget);
    if (maxUnavailable === undefined) return;
    const org = this.org.name;
    // Each peer is a StatefulSet of its own; the budget counts them all through the org's peer labels.
    podDisruptionBudget(this, 'PeerDisruptionBudget', {
      name: `peers-${org}`,
      namespace: this.namespace,
      labels: {
        [LABELS.component]: 'peer',
        [LABELS.partOf]: PART_OF,
        [LABELS.managedBy]: props.managedBy,
        [ORG_LABEL]: org,
      },
      selector: componentSelector('peer', org),
      maxUnavailable,
    });
  }
}
