/**
 * The Kubernetes runtime: a provider's workloads rendered from the cdk8s MedicalProviderOrg construct (the same
 * construct the emr-network chart is generated from) and applied with server-side apply under the operator's field
 * manager, each object owned by the MedicalProvider and labelled for cleanup. A workload is ready when its
 * StatefulSet or Deployment says so.
 *
 * First increment: rendering, applying, readiness and removal are complete; the endpoints follow the constructs'
 * Service names and read TLS trust from the CA trust ConfigMaps. Who publishes those ConfigMaps and how the
 * operator reaches the ordering service of an EmrNetwork is settled with the real node (issue 7).
 */
import { createHash } from 'node:crypto';
import { App, Chart, Size } from 'cdk8s';
import { ImagePullPolicy } from 'cdk8s-plus-33';
import {
  API_GROUP,
  caTrustConfigMapName,
  CA_TRUST_KEY,
  MedicalProviderOrg,
  type ImageRef,
  type MedicalProviderOrgProps,
  type StorageOptions,
} from '@emr/cdk8s';
import type { GrpcEndpoint } from '@emr/network';
import type { ImageSpec, MedicalProvider } from '../api/medical-provider';
import type { KubeClient } from '../kube/client';
import { applyObject, deleteObject } from '../kube/resources';
import { CONFIG_MAPS, resourcePath, type KubeObject, type ResourceType } from '../kube/types';
import type { Logger } from '../logger';
import { names } from '../provider/names';
import { OPERATOR_NAME, ownedLabels, ownerReference } from '../provider/reconciler';
import type { CaEndpoint, PeerEndpoint, ProviderRuntime, RuntimeFactory, WorkloadState } from './types';

export interface KubernetesRuntimeOptions {
  readonly client: KubeClient;
  readonly logger: Logger;
  /** Defaults for images the spec does not set (chaincode server, gateway, enroll tools). */
  readonly images?: MedicalProviderOrgProps['images'];
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** REST locations of the kinds MedicalProviderOrg renders. */
const KINDS: Readonly<Record<string, ResourceType>> = {
  'v1/Service': { group: '', version: 'v1', plural: 'services', namespaced: true },
  'v1/ConfigMap': CONFIG_MAPS,
  'v1/Secret': { group: '', version: 'v1', plural: 'secrets', namespaced: true },
  'v1/PersistentVolumeClaim': {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    namespaced: true,
  },
  'v1/ServiceAccount': { group: '', version: 'v1', plural: 'serviceaccounts', namespaced: true },
  'apps/v1/StatefulSet': { group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
  'apps/v1/Deployment': { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true },
  'networking.k8s.io/v1/NetworkPolicy': {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    namespaced: true,
  },
  'networking.k8s.io/v1/Ingress': {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    namespaced: true,
  },
  'gateway.networking.k8s.io/v1/HTTPRoute': {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
    namespaced: true,
  },
};

export function resourceTypeOf(object: KubeObject): ResourceType {
  const type = KINDS[`${object.apiVersion}/${object.kind}`];
  if (!type) throw new Error(`the operator does not manage ${object.kind} (${object.apiVersion})`);
  return type;
}

/** Annotation with the hash of the rendering an object was last applied from. */
export const RENDERING_HASH = `${API_GROUP}/rendering-hash`;

export function renderingHash(object: KubeObject): string {
  const stable = JSON.stringify(object, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : value,
  );
  return createHash('sha256').update(stable).digest('hex').slice(0, 32);
}

const QUANTITY = /^(\d+)(Mi|Gi|Ti)$/;

/** `10Gi` as a cdk8s Size; undefined for what the constructs' defaults should decide. */
export function parseSize(quantity: string | undefined): Size | undefined {
  const match = QUANTITY.exec(quantity ?? '');
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] === 'Mi'
    ? Size.mebibytes(amount)
    : match[2] === 'Gi'
      ? Size.gibibytes(amount)
      : Size.tebibytes(amount);
}

function storage(
  spec: { readonly size?: string; readonly storageClassName?: string } | undefined,
): StorageOptions {
  const size = parseSize(spec?.size);
  return {
    ...(size ? { size } : {}),
    ...(spec?.storageClassName ? { storageClassName: spec.storageClassName } : {}),
  };
}

const PULL_POLICIES: Readonly<Record<string, ImagePullPolicy>> = {
  Always: ImagePullPolicy.ALWAYS,
  IfNotPresent: ImagePullPolicy.IF_NOT_PRESENT,
  Never: ImagePullPolicy.NEVER,
};

function image(spec: ImageSpec | undefined, fallback?: ImageRef): ImageRef | undefined {
  return spec ? { repository: spec.repository, tag: spec.tag } : fallback;
}

/** The provider's objects as the construct renders them, owned by and labelled for the MedicalProvider. */
export function renderProvider(
  provider: MedicalProvider,
  options: Pick<KubernetesRuntimeOptions, 'images' | 'clusterDomain'> = {},
): { objects: KubeObject[]; org: MedicalProviderOrg } {
  const { spec, metadata } = provider;
  const chart = new Chart(new App(), metadata.name, {
    namespace: metadata.namespace,
    disableResourceNameHashes: true,
  });
  const defaults = options.images ?? {};
  const images = Object.fromEntries(
    Object.entries({
      ca: image(spec.images?.ca, defaults.ca),
      peer: image(spec.images?.peer, defaults.peer),
      chaincode: image(spec.chaincode.image, defaults.chaincode),
      gateway: image(spec.gateway.image, defaults.gateway),
      tools: defaults.tools,
    }).filter(([, value]) => value !== undefined),
  );
  const pullPolicy = spec.imagePullPolicy === undefined ? undefined : PULL_POLICIES[spec.imagePullPolicy];
  const org = new MedicalProviderOrg(chart, 'provider', {
    org: { name: metadata.name, mspId: spec.mspId },
    namespace: metadata.namespace,
    peers: spec.peers.replicas,
    images,
    storage: {
      ca: storage(spec.ca.storage),
      peer: storage(spec.peers.storage),
      gateway: storage(spec.gateway.storage),
    },
    channel: spec.network.channel,
    chaincode: { name: spec.chaincode.name, version: spec.chaincode.version },
    registrarSecret: spec.ca.registrarSecretRef,
    managedBy: OPERATOR_NAME,
    gateway: { enabled: spec.gateway.replicas > 0 },
    ...(pullPolicy ? { imagePullPolicy: pullPolicy } : {}),
    ...(options.clusterDomain ? { clusterDomain: options.clusterDomain } : {}),
  });
  const labels = ownedLabels(provider);
  const owner = ownerReference(provider);
  const objects = (chart.toJson() as KubeObject[]).map((object) => ({
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata.labels, ...labels },
      ownerReferences: [owner],
    },
  }));
  return { objects, org };
}

interface WorkloadStatus extends KubeObject {
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly readyReplicas?: number };
}

export function newKubernetesRuntime(options: KubernetesRuntimeOptions): RuntimeFactory {
  return {
    forProvider(provider) {
      return new KubernetesProvider(options, provider);
    },
  };
}

class KubernetesProvider implements ProviderRuntime {
  readonly #options: KubernetesRuntimeOptions;
  readonly #provider: MedicalProvider;
  #rendered: ReturnType<typeof renderProvider> | undefined;
  #applied = false;

  constructor(options: KubernetesRuntimeOptions, provider: MedicalProvider) {
    this.#options = options;
    this.#provider = provider;
  }

  get workloads(): ProviderRuntime['workloads'] {
    const org = this.#provider.metadata.name;
    return {
      ensureCa: () => this.#ensure('StatefulSet', [names.ca(org)]),
      ensurePeers: () =>
        this.#ensure(
          'StatefulSet',
          Array.from({ length: this.#provider.spec.peers.replicas }, (_, i) => names.peer(org, i)),
        ),
      ensureChaincodeServer: () => this.#ensure('Deployment', [names.chaincodeServer(org)]),
      ensureGateway: () => this.#ensure('Deployment', [names.gateway(org)]),
      remove: () => this.#remove(),
    };
  }

  get endpoints(): ProviderRuntime['endpoints'] {
    return {
      ca: () => this.#ca(),
      orderer: () => this.#orderer(),
      peers: () => this.#peers(),
    };
  }

  #render(): ReturnType<typeof renderProvider> {
    this.#rendered ??= renderProvider(this.#provider, this.#options);
    return this.#rendered;
  }

  /** Applies every rendered object (once per reconcile), then reports the named workloads' readiness. */
  async #ensure(
    kind: 'StatefulSet' | 'Deployment',
    workloadNames: readonly string[],
  ): Promise<WorkloadState> {
    const { client } = this.#options;
    const { objects } = this.#render();
    if (!this.#applied) {
      for (const object of objects) await this.#apply(object);
      this.#applied = true;
    }
    const type = resourceTypeOf({ apiVersion: 'apps/v1', kind, metadata: {} });
    const namespace = this.#provider.metadata.namespace;
    const waiting: string[] = [];
    let readyCount = 0;
    for (const name of workloadNames) {
      const workload = await client.get<WorkloadStatus>(resourcePath(type, { namespace, name }));
      const wanted = workload?.spec?.replicas ?? 1;
      const ready = workload?.status?.readyReplicas ?? 0;
      if (ready >= wanted) readyCount++;
      else waiting.push(`${kind} ${name}: ${ready}/${wanted} ready`);
    }
    const total = workloadNames.length;
    return waiting.length === 0
      ? { ready: true, message: `${readyCount}/${total} ${kind}s ready`, readyCount, total }
      : { ready: false, message: `waiting for ${waiting.join(', ')}`, readyCount, total };
  }

  /**
   * Server-side apply, skipped when the live object carries the hash of this very rendering: the API server writes
   * some unchanged objects again on every apply (a NetworkPolicy peer with an empty namespaceSelector, a
   * PersistentVolumeClaim), and a reconcile that waits re-checks every few seconds. A deleted object is recreated;
   * a hand edit of an object is undone when its rendering changes.
   */
  async #apply(object: KubeObject): Promise<void> {
    const { client } = this.#options;
    const type = resourceTypeOf(object);
    const hash = renderingHash(object);
    const location = { namespace: object.metadata.namespace, name: object.metadata.name ?? '' };
    const live = await client.get<KubeObject>(resourcePath(type, location));
    if (live?.metadata.annotations?.[RENDERING_HASH] === hash) return;
    const annotations = { ...object.metadata.annotations, [RENDERING_HASH]: hash };
    await applyObject(client, type, { ...object, metadata: { ...object.metadata, annotations } });
  }

  async #remove(): Promise<void> {
    const { client } = this.#options;
    for (const object of [...this.#render().objects].reverse()) {
      await deleteObject(client, resourceTypeOf(object), {
        namespace: object.metadata.namespace ?? this.#provider.metadata.namespace,
        name: object.metadata.name ?? '',
      });
    }
  }

  async #trust(namespace: string, caName: string): Promise<string> {
    const name = caTrustConfigMapName(caName);
    const configMap = await this.#options.client.get<KubeObject & { data?: Record<string, string> }>(
      resourcePath(CONFIG_MAPS, { namespace, name }),
    );
    const pem = configMap?.data?.[CA_TRUST_KEY];
    if (pem === undefined)
      throw new Error(`ConfigMap ${namespace}/${name} (key ${CA_TRUST_KEY}) is not published yet`);
    return pem;
  }

  async #ca(): Promise<CaEndpoint> {
    const { endpoint } = this.#render().org.ca;
    return {
      url: endpoint.url,
      caName: endpoint.caName,
      tlsCaCertificate: await this.#trust(this.#provider.metadata.namespace, endpoint.caName),
    };
  }

  async #peers(): Promise<PeerEndpoint[]> {
    const trust = await this.#trust(this.#provider.metadata.namespace, this.#render().org.ca.endpoint.caName);
    return this.#render().org.peers.map((peer) => {
      const colon = peer.address.lastIndexOf(':');
      return {
        name: peer.name,
        address: peer.address,
        tlsCaCertificate: trust,
        anchor: { host: peer.address.slice(0, colon), port: Number(peer.address.slice(colon + 1)) },
      };
    });
  }

  async #orderer(): Promise<GrpcEndpoint> {
    // The ordering service of the EmrNetwork: StatefulSet `orderer` in the network's namespace (OrderingService).
    const { namespace } = this.#provider.spec.network;
    const domain = this.#options.clusterDomain ?? 'cluster.local';
    return {
      address: `orderer-0.orderer.${namespace}.svc.${domain}:7050`,
      tlsCaCertificate: await this.#trust(namespace, 'ca-orderer'),
    };
  }
}
