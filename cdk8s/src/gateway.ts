import { ApiObject, Size } from 'cdk8s';
import {
  ConfigMap,
  type ContainerResources,
  Deployment,
  DeploymentStrategy,
  type EnvValue,
  Ingress,
  IngressBackend,
  PersistentVolumeAccessMode,
  PersistentVolumeClaim,
  Secret,
  Service,
  Volume,
} from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { gatewaySpec, type NodeSpec, type OrgModel, type SecretKeyRef } from '@emr/network';
import {
  assertDnsLabel,
  selectorLabels,
  serviceFqdn,
  serviceHostNames,
  workloadLabels,
  type ServiceDns,
} from './conventions';
import { type CaEndpoint, type CredentialVolume, NodeCredentials } from './credentials';
import { CA_TRUST_KEY } from './enroll/contract';
import { addNodeContainer } from './node-container';
import { orgPods, resolveNetworkAccess, WorkloadNetworkPolicy } from './network-policies';
import {
  DEFAULT_RESOURCES,
  withPullPolicy,
  type ImageRef,
  type StorageOptions,
  type WorkloadOptions,
  withDefaults,
} from './workload-options';
import { finishWorkload, namespaceOf, podDefaults } from './workload-support';
import {
  podDisruptionBudget,
  replicaDisruptionBudget,
  spreadPods,
  type DisruptionBudgetOptions,
  type SpreadOptions,
} from './placement';

export const DEFAULT_GATEWAY_IMAGE: ImageRef = { repository: 'emr/gateway', tag: '0.1.0' };

/** Exposure through an Ingress (TLS terminated or passed through by the controller). */
export interface GatewayIngressOptions {
  /** Public host name. */
  readonly host: string;
  /** @default - the cluster's default IngressClass */
  readonly className?: string;
  /** Secret with the public certificate for `host`. @default - no TLS section (the controller's default) */
  readonly tlsSecret?: string;
  /**
   * Controller-specific annotations, e.g. `nginx.ingress.kubernetes.io/backend-protocol: HTTPS` — the gateway
   * itself serves HTTPS.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Exposure through a Gateway API HTTPRoute attached to an existing Gateway. */
export interface GatewayHttpRouteOptions {
  readonly hostnames: readonly string[];
  /** The Gateway(s) the route attaches to. */
  readonly parentRefs: readonly {
    readonly name: string;
    readonly namespace?: string;
    readonly sectionName?: string;
  }[];
}

export interface GatewayProps extends WorkloadOptions {
  readonly org: OrgModel;
  /** Deployment, Service and PVC prefix. @default `gateway-<org.name>` */
  readonly name?: string;
  /** The org's peer whose Gateway service endorses and submits: `host:port`. */
  readonly peerAddress: string;
  /** The org's CA, where the gateway registers and enrolls its users. */
  readonly ca: CaEndpoint;
  /** The CA's registrar (same Secret as the CA's bootstrap registrar). */
  readonly registrar: { readonly enrollmentId: string; readonly secret: SecretKeyRef };
  /**
   * HS256 key of the bearer tokens and AES-256-GCM key of the users' keys at rest.
   * @default { name: `<name>-keys`, key: 'jwt-key' } and { name: `<name>-keys`, key: 'key-encryption-key' }
   */
  readonly keys?: { readonly jwtKey: SecretKeyRef; readonly keyEncryptionKey: SecretKeyRef };
  /** @default emr/gateway:0.1.0 */
  readonly image?: ImageRef;
  /** Node.js and the compiled server in the image. @default { node: 'node', script: '/app/dist/server.js' } */
  readonly runtime?: { readonly node: string; readonly script: string };
  /** @default 8443 */
  readonly port?: number;
  /** Serve HTTPS with a certificate of the org's CA (from `credentials`). @default true */
  readonly tls?: boolean;
  /** Source of the TLS folder when `tls`. @default NodeCredentials.fromSecrets() */
  readonly credentials?: NodeCredentials;
  /** Volume of the user database (SQLite). @default 1Gi, default class */
  readonly storage?: StorageOptions;
  /** @default 'emr' */
  readonly channel?: string;
  /** @default 'emr' */
  readonly chaincode?: string;
  /** @default - not exposed outside the cluster */
  readonly ingress?: GatewayIngressOptions;
  /** @default - no HTTPRoute */
  readonly httpRoute?: GatewayHttpRouteOptions;
  /** @default 100m/1 CPU, 128/512 MiB */
  readonly resources?: ContainerResources;
  /** Keep replicas on different nodes and zones. Preferred, never required. @default across nodes and zones */
  readonly spread?: SpreadOptions | false;
  /**
   * PodDisruptionBudget `<name>` once the gateway runs more than one replica. It runs one today (see the class),
   * and a budget over one pod either protects nothing or blocks every node drain.
   * @default { maxUnavailable: 1 } for more than one replica; none for one
   */
  readonly disruptionBudget?: DisruptionBudgetOptions | false;
}

/**
 * Replicas of the gateway: one, because users live in SQLite on one ReadWriteOnce volume. Spreading and the
 * disruption budget follow this number, so a gateway with a shared store only has to raise it.
 */
const GATEWAY_REPLICAS = 1;

const PATHS = {
  trust: '/var/hyperledger/gateway/ca',
  tls: '/var/hyperledger/gateway/tls',
  data: '/var/lib/emr-gateway',
} as const;
const TRUST_FILE = `${PATHS.trust}/${CA_TRUST_KEY}`;

type ResolvedGatewayProps = GatewayProps & {
  readonly name: string;
  readonly port: number;
  readonly tls: boolean;
  readonly image: ImageRef;
  readonly runtime: { readonly node: string; readonly script: string };
  readonly keys: { readonly jwtKey: SecretKeyRef; readonly keyEncryptionKey: SecretKeyRef };
  readonly credentials: NodeCredentials;
  readonly channel: string;
  readonly chaincode: string;
  readonly resources: ContainerResources;
  readonly managedBy: string;
};

/**
 * A provider's REST gateway: a Deployment (one replica — users live in SQLite on one ReadWriteOnce volume;
 * `Recreate` so the old pod releases it first), a ClusterIP Service, optionally an Ingress or an HTTPRoute.
 * It trusts the org's CA root (public, from the CA's trust ConfigMap) for the peer's and the CA's TLS.
 */
export class Gateway extends Construct {
  readonly spec: NodeSpec;
  readonly name: string;
  readonly service: Service;
  readonly deployment: Deployment;
  /** In-cluster base URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, gatewayProps: GatewayProps) {
    super(scope, id);
    const name = gatewayProps.name ?? `gateway-${gatewayProps.org.name}`;
    const props: ResolvedGatewayProps = withDefaults(gatewayProps, {
      name,
      port: 8443,
      tls: true,
      image: DEFAULT_GATEWAY_IMAGE,
      runtime: { node: 'node', script: '/app/dist/server.js' },
      keys: {
        jwtKey: { name: `${name}-keys`, key: 'jwt-key' },
        keyEncryptionKey: { name: `${name}-keys`, key: 'key-encryption-key' },
      },
      credentials: NodeCredentials.fromSecrets(),
      channel: 'emr',
      chaincode: 'emr',
      resources: DEFAULT_RESOURCES.gateway,
      managedBy: 'cdk8s',
    });
    assertDnsLabel(name, 'gateway name');
    this.name = name;
    const namespace = namespaceOf(this, props.namespace);
    const dns = { service: name, namespace: namespace ?? 'default', clusterDomain: props.clusterDomain };
    this.url = `${props.tls ? 'https' : 'http'}://${serviceFqdn(dns)}:${props.port}`;
    const image = withPullPolicy(props.image, props.imagePullPolicy);
    this.spec = gatewaySpec({
      name,
      mspId: props.org.mspId,
      placement: { listenHost: '0.0.0.0', advertisedHost: serviceFqdn(dns) },
      port: props.port,
      image: `${image.repository}:${image.tag}`,
      runtime: props.runtime,
      channel: props.channel,
      chaincode: props.chaincode,
      peer: { endpoint: props.peerAddress, tlsCaFile: TRUST_FILE },
      ca: { url: props.ca.url, tlsCaFile: TRUST_FILE, caName: props.ca.caName },
      secrets: { registrar: props.registrar, ...props.keys },
      dataDir: PATHS.data,
      ...(props.tls
        ? { tls: { certFile: `${PATHS.tls}/server.crt`, keyFile: `${PATHS.tls}/server.key` } }
        : {}),
    });
    const labels = workloadLabels({
      component: 'gateway',
      instance: name,
      org: props.org.name,
      version: image.tag,
      managedBy: props.managedBy,
    });
    const selector = selectorLabels({ component: 'gateway', instance: name });
    this.service = new Service(this, 'Service', {
      metadata: { name, namespace, labels },
      ports: [{ name: props.tls ? 'https' : 'http', port: props.port, targetPort: props.port }],
    });
    this.deployment = new Deployment(this, 'Deployment', {
      metadata: { name, namespace, labels },
      podMetadata: { labels },
      select: false,
      replicas: GATEWAY_REPLICAS,
      strategy: DeploymentStrategy.recreate(),
      ...podDefaults(this, props),
    });
    const { volumes, extraEnv } = this.#volumes(props, dns, { namespace, labels });
    addNodeContainer(this.deployment, {
      spec: this.spec,
      image,
      resources: props.resources,
      podIdentity: props.podIdentity,
      volumes,
      extraEnv,
    });
    finishWorkload(this.deployment, selector, { others: [this.service] });
    spreadPods(this.deployment, selector, props.spread);
    const maxUnavailable = replicaDisruptionBudget(GATEWAY_REPLICAS, props.disruptionBudget);
    if (maxUnavailable !== undefined) {
      podDisruptionBudget(this, 'DisruptionBudget', { name, namespace, labels, selector, maxUnavailable });
    }
    if (props.ingress) this.#addIngress(props.ingress, namespace, labels, props.port);
    if (props.httpRoute) this.#addHttpRoute(props.httpRoute, namespace, labels, props.port);
    if (props.networkPolicy ?? true) {
      const access = resolveNetworkAccess(props.networkAccess);
      new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
        name,
        namespace,
        labels,
        podSelector: selector,
        // The API is the public entry point: anyone (or the configured clients) on its one port.
        ingress: [{ peers: access.gatewayClients ? [access.gatewayClients] : [], ports: [props.port] }],
        egress: [
          { peers: [orgPods('peer', props.org.name)], ports: [access.ports.peer] },
          { peers: [orgPods('ca', props.org.name)], ports: [access.ports.ca] },
        ],
      });
    }
  }

  /** The CA certificate (public, from a ConfigMap), the TLS key pair (enrolled or a Secret), the user database. */
  #volumes(
    props: ResolvedGatewayProps,
    dns: ServiceDns,
    at: { namespace: string | undefined; labels: Record<string, string> },
  ): { volumes: Map<string, CredentialVolume>; extraEnv: Readonly<Record<string, EnvValue>> } {
    const volumes = new Map<string, CredentialVolume>();
    const trust = ConfigMap.fromConfigMapName(this, 'CaTrust', props.ca.trustConfigMap);
    volumes.set(PATHS.trust, {
      volume: Volume.fromConfigMap(this, 'CaTrustVolume', trust, {
        name: 'ca-certs',
        items: { [CA_TRUST_KEY]: { path: CA_TRUST_KEY } },
      }),
    });
    let extraEnv: Readonly<Record<string, EnvValue>> = {};
    if (props.tls) {
      const credentials = props.credentials.bind({
        workload: this.deployment,
        name: this.name,
        org: props.org.name,
        mspId: props.org.mspId,
        mounts: [{ path: PATHS.tls, kind: 'tls' }],
        identities: { perPod: false, enrollmentId: this.name },
        tlsHosts: [
          ...serviceHostNames(dns),
          ...(props.ingress ? [props.ingress.host] : []),
          ...(props.httpRoute?.hostnames ?? []),
          'localhost',
        ],
        podIdentity: props.podIdentity,
        imagePullPolicy: props.imagePullPolicy,
      });
      for (const [path, volume] of credentials.volumes) volumes.set(path, volume);
      extraEnv = credentials.containerEnv;
    }
    const claim = new PersistentVolumeClaim(this, 'Data', {
      metadata: { name: `${this.name}-data`, namespace: at.namespace, labels: at.labels },
      storage: props.storage?.size ?? Size.gibibytes(1),
      accessModes: [PersistentVolumeAccessMode.READ_WRITE_ONCE],
      storageClassName: props.storage?.storageClassName,
    });
    volumes.set(PATHS.data, {
      volume: Volume.fromPersistentVolumeClaim(this, 'DataVolume', claim, { name: 'data' }),
    });
    return { volumes, extraEnv };
  }

  #addIngress(
    options: GatewayIngressOptions,
    namespace: string | undefined,
    labels: Record<string, string>,
    port: number,
  ): void {
    const ingress = new Ingress(this, 'Ingress', {
      metadata: { name: this.name, namespace, labels, annotations: { ...options.annotations } },
      ...(options.className ? { className: options.className } : {}),
      ...(options.tlsSecret
        ? {
            tls: [
              { hosts: [options.host], secret: Secret.fromSecretName(this, 'IngressTls', options.tlsSecret) },
            ],
          }
        : {}),
    });
    ingress.addHostRule(options.host, '/', IngressBackend.fromService(this.service, { port }));
  }

  #addHttpRoute(
    options: GatewayHttpRouteOptions,
    namespace: string | undefined,
    labels: Record<string, string>,
    port: number,
  ): void {
    new ApiObject(this, 'HttpRoute', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: this.name, namespace, labels },
      spec: {
        parentRefs: options.parentRefs.map((ref) => ({ ...ref })),
        hostnames: [...options.hostnames],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ name: this.service.name, port }],
          },
        ],
      },
    });
  }
}
