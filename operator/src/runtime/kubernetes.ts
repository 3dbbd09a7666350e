/**
 * The Kubernetes runtime: a provider's workloads rendered from the cdk8s MedicalProviderOrg construct (the same
 * construct the emr-network chart is generated from) and applied with server-side apply under the operator's field
 * manager, each object owned by the MedicalProvider and labelled for cleanup. A workload is ready when its
 * StatefulSet or Deployment says so.
 *
 * Besides the rendered objects the runtime writes what the workloads mount and nobody else can provide: the CA
 * trust ConfigMap once the CA answers, each peer's chaincode builder config once its identity is registered, and
 * the gateway's keys when the spec refers to none. The ordering service is the EmrNetwork's (operator/src/network),
 * reached at its first orderer with the ordering org's published CA trust.
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
import { newCaClient, type GrpcEndpoint, type OrgEnrollment, type SecretStore } from '@emr/network';
import type { ImageSpec, MedicalProvider } from '../api/medical-provider';
import { publishCaTrust, readCaTrust } from '../fabric/ca-trust';
import { ensureChaincodeBuilderConfig, ensureGatewayKeys } from '../fabric/workload-secrets';
import type { KubeClient } from '../kube/client';
import { applyObject, deleteObject } from '../kube/resources';
import { CONFIG_MAPS, resourcePath, type KubeObject, type ResourceType } from '../kube/types';
import type { Logger } from '../logger';
import { ORDERER_CA_NAME, ordererAddress } from '../network/names';
import { names } from '../provider/names';
import { OPERATOR_NAME, ownedLabels, ownerReference } from '../provider/reconciler';
import type {
  CaEndpoint,
  PeerEndpoint,
  ProviderRuntime,
  RuntimeContext,
  RuntimeFactory,
  WorkloadState,
} from './types';
import { rolloutPending, type WorkloadStatus } from './rollout';

export interface KubernetesRuntimeOptions {
  readonly client: KubeClient;
  readonly logger: Logger;
  /** Defaults for images the spec does not set (chaincode server, gateway, enroll tools). */
  readonly images?: MedicalProviderOrgProps['images'];
  /** Pull policy of workloads whose spec sets none (e.g. `Never` for images imported into the node). */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** REST locations of the kinds MedicalProviderOrg and the ordering org (../network/render.ts) render. */
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
  // Raft orderers, a provider's peers, replicated Deployments (cdk8s/src/placement.ts).
  'policy/v1/PodDisruptionBudget': {
    group: 'policy',
    version: 'v1',
    plural: 'poddisruptionbudgets',
    namespaced: true,
  },
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

/** The spec's pull policy as cdk8s-plus names it; undefined leaves the constructs' default. */
export function pullPolicyOf(policy: string | undefined): ImagePullPolicy | undefined {
  return policy === undefined ? undefined : PULL_POLICIES[policy];
}

function image(spec: ImageSpec | undefined, fallback?: ImageRef): ImageRef | undefined {
  return spec ? { repository: spec.repository, tag: spec.tag } : fallback;
}

/** The provider's objects as the construct renders them, owned by and labelled for the MedicalProvider. */
export function renderProvider(
  provider: MedicalProvider,
  options: Pick<KubernetesRuntimeOptions, 'images' | 'clusterDomain' | 'imagePullPolicy'> = {},
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
  const pullPolicy = pullPolicyOf(spec.imagePullPolicy ?? options.imagePullPolicy);
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
    gateway: {
      enabled: spec.gateway.replicas > 0,
      ...(spec.gateway.keysSecretRef ? { keysSecret: spec.gateway.keysSecretRef.name } : {}),
    },
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

/**
 * Server-side apply, skipped when the live object carries the hash of this very rendering: the API server writes
 * some unchanged objects again on every apply (a NetworkPolicy peer with an empty namespaceSelector, a
 * PersistentVolumeClaim), and a reconcile that waits re-checks every few seconds. A deleted object is recreated;
 * a hand edit of an object is undone when its rendering changes.
 */
export async function applyRendered(client: KubeClient, object: KubeObject): Promise<void> {
  const type = resourceTypeOf(object);
  const hash = renderingHash(object);
  const location = { namespace: object.metadata.namespace, name: object.metadata.name ?? '' };
  const live = await client.get<KubeObject>(resourcePath(type, location));
  if (live?.metadata.annotations?.[RENDERING_HASH] === hash) return;
  const annotations = { ...object.metadata.annotations, [RENDERING_HASH]: hash };
  await applyObject(client, type, { ...object, metadata: { ...object.metadata, annotations } });
}

/** Whether the named StatefulSets or Deployments are rolled out with all replicas ready, as a person reads it. */
export async function workloadsReady(
  client: KubeClient,
  namespace: string,
  kind: 'StatefulSet' | 'Deployment',
  workloadNames: readonly string[],
): Promise<WorkloadState> {
  const type = resourceTypeOf({ apiVersion: 'apps/v1', kind, metadata: {} });
  const waiting: string[] = [];
  let readyCount = 0;
  for (const name of workloadNames) {
    const workload = await client.get<WorkloadStatus & KubeObject>(resourcePath(type, { namespace, name }));
    const pending = rolloutPending(kind, name, workload);
    if (pending === undefined) readyCount++;
    else waiting.push(pending);
  }
  const total = workloadNames.length;
  return waiting.length === 0
    ? { ready: true, message: `${readyCount}/${total} ${kind}s ready`, readyCount, total }
    : { ready: false, message: `waiting for ${waiting.join(', ')}`, readyCount, total };
}

export function newKubernetesRuntime(options: KubernetesRuntimeOptions): RuntimeFactory {
  return {
    forProvider(provider, context) {
      return new KubernetesProvider(options, provider, context);
    },
  };
}

class KubernetesProvider implements ProviderRuntime {
  readonly #options: KubernetesRuntimeOptions;
  readonly #provider: MedicalProvider;
  readonly #secrets: SecretStore;
  #rendered: ReturnType<typeof renderProvider> | undefined;
  #applied = false;

  constructor(options: KubernetesRuntimeOptions, provider: MedicalProvider, context: RuntimeContext) {
    this.#options = options;
    this.#provider = provider;
    this.#secrets = context.secrets;
  }

  get workloads(): ProviderRuntime['workloads'] {
    const org = this.#provider.metadata.name;
    return {
      ensureCa: async () => {
        const state = await this.#ensure('StatefulSet', [names.ca(org)]);
        if (state.ready) await this.#publishTrust();
        return state;
      },
      ensurePeers: async () => {
        await this.#writeBuilderConfigs();
        return this.#ensure(
          'StatefulSet',
          Array.from({ length: this.#provider.spec.peers.replicas }, (_, i) => names.peer(org, i)),
        );
      },
      ensureChaincodeServer: (packageId) => {
        // The Deployment is rendered from spec.chaincode (its CORE_CHAINCODE_ID); the step packaged the same spec.
        const rendered = this.#render().org.chaincode.packageId;
        if (rendered !== packageId) {
          throw new Error(
            `the chaincode server is rendered with package ${rendered}, the step installed ${packageId}`,
          );
        }
        return this.#ensure('Deployment', [names.chaincodeServer(org)]);
      },
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
      await this.#writeGatewayKeys();
      for (const object of objects) await this.#apply(object);
      this.#applied = true;
    }
    return workloadsReady(client, this.#provider.metadata.namespace, kind, workloadNames);
  }

  async #apply(object: KubeObject): Promise<void> {
    await applyRendered(this.#options.client, object);
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
    const pem = await readCaTrust(this.#options.client, namespace, caName);
    if (pem === undefined) {
      throw new Error(
        `ConfigMap ${namespace}/${caTrustConfigMapName(caName)} (key ${CA_TRUST_KEY}) is not published yet`,
      );
    }
    return pem;
  }

  /** The CA's root in `ca-<org>-trust`, read from the CA this runtime started, once it runs. */
  async #publishTrust(): Promise<void> {
    const { endpoint } = this.#render().org.ca;
    await publishCaTrust(this.#options.client, {
      namespace: this.#provider.metadata.namespace,
      caName: endpoint.caName,
      url: endpoint.url,
      labels: ownedLabels(this.#provider),
      owner: ownerReference(this.#provider),
    });
  }

  /** `gateway-<org>-keys`, generated when the spec refers to no Secret of the platform engineer's. */
  async #writeGatewayKeys(): Promise<void> {
    const { gateway } = this.#provider.spec;
    if (gateway.replicas === 0 || gateway.keysSecretRef) return;
    await ensureGatewayKeys(this.#secrets, `${names.gateway(this.#provider.metadata.name)}-keys`);
  }

  /** Each peer's chaincode builder config; its identity is registered by IdentitiesEnrolled before. */
  async #writeBuilderConfigs(): Promise<void> {
    const { org } = this.#render();
    const { ca } = org;
    const root = await this.#trust(this.#provider.metadata.namespace, ca.endpoint.caName);
    const ref = this.#provider.spec.ca.registrarSecretRef;
    const enrollment: OrgEnrollment = {
      ca: newCaClient({ url: ca.endpoint.url, tlsCaCertificate: root, caName: ca.endpoint.caName }),
      org: { name: this.#provider.metadata.name, mspId: this.#provider.spec.mspId },
      secrets: this.#secrets,
      registrar: { enrollmentId: 'registrar', secretName: ref.name, secretKey: ref.key },
    };
    for (const peer of org.peers) {
      await ensureChaincodeBuilderConfig(
        enrollment,
        { name: peer.name, chaincodeAddress: org.chaincode.address },
        root,
      );
    }
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
    // The EmrNetwork's ordering service (operator/src/network/render.ts): its first orderer, trusted through the
    // ordering org's CA trust ConfigMap in the network's namespace.
    const { namespace } = this.#provider.spec.network;
    return {
      address: ordererAddress(namespace, this.#options.clusterDomain),
      tlsCaCertificate: await this.#trust(namespace, ORDERER_CA_NAME),
    };
  }
}
