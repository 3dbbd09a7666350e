/**
 * Reconciles one EmrNetwork: the ordering org (its CA, the Raft ordering service, both rendered from the cdk8s
 * constructs) in the network's namespace, then — once every founding MedicalProvider has its CA and admin
 * enrolled — the channel: a genesis block naming the ordering org with its consenters and the founders as members,
 * joined by every orderer through the channel participation API. Later providers join by the signed channel
 * update of their own reconcile (operator/src/provider/steps/membership.ts). Level-triggered like the provider
 * reconcile: each run looks at the world and does what is missing; the genesis block is kept in a ConfigMap so an
 * operator restarted between two orderer joins joins the rest with the very same block.
 */
import {
  configtx,
  enrollRegistrar,
  fabricErrorText,
  getOrdererChannel,
  joinOrdererToChannel,
  newCaClient,
  type Identity,
  type OrdererAdminEndpoint,
  type OrgEnrollment,
  type SecretStore,
} from '@emr/network';
import { mergeConditions, type ConditionUpdate, type Transition } from '../api/conditions';
import {
  EMR_NETWORK_API_VERSION,
  NETWORK_CONDITION_TYPES,
  type EmrNetwork,
  type EmrNetworkStatus,
} from '../api/emr-network';
import { FINALIZER, parseKey, READY, type MedicalProvider } from '../api/medical-provider';
import { EMR_NETWORKS } from '../api/resources';
import type { ReconcileOutcome, Reconciler } from '../controller/controller';
import { publishCaTrust } from '../fabric/ca-trust';
import { enrollOrgAdmin, loadOrgAdmin } from '../fabric/org-admin';
import { presentedCertificate } from '../fabric/presented-certificate';
import type { KubeClient } from '../kube/client';
import type { EventRecorder } from '../kube/events';
import { applyObject, deleteObject, listObjects, removeFinalizer } from '../kube/resources';
import { newKubeSecretStore, readSecret } from '../kube/secret-store';
import { CONFIG_MAPS, resourcePath, SECRETS, type KubeObject } from '../kube/types';
import type { Logger } from '../logger';
import { readChannelMembership } from '../provider/channel-config';
import { ADMIN_KEYS, names } from '../provider/names';
import { registerOnce } from '../provider/steps/identities';
import { applyRendered, renderProvider, resourceTypeOf, workloadsReady } from '../runtime/kubernetes';
import { done, waiting, type StepResult } from '../provider/steps/types';
import { networkConditions, networkPhase, type StepOutcome } from './conditions';
import { describeMissingFounders, genesisDefinition, matchFounders, type Founder } from './founders';
import { GENESIS_KEY, ORDERER_CA_NAME, ORDERER_PORTS, ordererAddress } from './names';
import {
  networkLabels,
  networkOwnerReference,
  renderOrderingOrg,
  type OrderingRenderOptions,
  type RenderedOrderingOrg,
} from './render';

export interface NetworkReconcilerOptions extends OrderingRenderOptions {
  readonly client: KubeClient;
  readonly events: EventRecorder;
  readonly logger: Logger;
  /** The MedicalProviders the operator knows (its informer cache): the founders are among them. */
  readonly providers: () => readonly MedicalProvider[];
  readonly now?: () => Date;
}

/** ConfigMap keeping the genesis block (public: certificates and policies only). */
export function genesisConfigMapName(network: string): string {
  return `${network}-genesis`;
}
const READY_RESYNC_MS = 60_000;

/** What the first step hands to the second within one reconcile. */
interface OrderingAdmin {
  readonly root: string;
  readonly signing: Identity;
  readonly tls: Identity;
}

interface Observed {
  members?: string[];
  height?: number;
}

export class NetworkReconciler implements Reconciler {
  readonly #options: NetworkReconcilerOptions;
  /** Networks (by uid) whose orderers this process has registered: no CA call on every reconcile. */
  readonly #registered = new Set<string>();

  constructor(options: NetworkReconcilerOptions) {
    this.#options = options;
  }

  async reconcile(key: string): Promise<ReconcileOutcome> {
    const { client } = this.#options;
    const { namespace, name } = parseKey(key);
    let network = await client.get<EmrNetwork>(resourcePath(EMR_NETWORKS, { namespace, name }));
    if (!network) return {};
    if (network.metadata.deletionTimestamp !== undefined) {
      await this.#finalize(network);
      return {};
    }
    if (!(network.metadata.finalizers ?? []).includes(FINALIZER)) {
      network = await applyObject<EmrNetwork>(client, EMR_NETWORKS, {
        apiVersion: EMR_NETWORK_API_VERSION,
        kind: 'EmrNetwork',
        metadata: { name, namespace, finalizers: [FINALIZER] },
      });
    }
    return this.#converge(network);
  }

  async #converge(network: EmrNetwork): Promise<ReconcileOutcome> {
    const log = this.#options.logger.child({
      network: `${network.metadata.namespace}/${network.metadata.name}`,
    });
    const rendered = renderOrderingOrg(network, this.#options);
    const secrets = newKubeSecretStore(this.#options.client, {
      namespace: network.metadata.namespace,
      labels: networkLabels(network),
      owner: networkOwnerReference(network),
    });
    const observed: Observed = {};
    const { outcomes, failure, retryAfterMs } = await this.#runSteps(network, rendered, secrets, observed);
    const updates = networkConditions(outcomes, network.spec.channel);
    const ready = updates.every((u) => u.status === 'True');
    const status = this.#status(network, updates, observed);
    await this.#writeStatus(network, status.status);
    for (const transition of status.transitions) await this.#recordTransition(network, transition);
    log.info(ready ? 'ready' : 'not ready yet', { reason: updates.find((u) => u.status !== 'True')?.reason });
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(fabricErrorText(failure));
    return { requeueAfterMs: ready ? READY_RESYNC_MS : retryAfterMs };
  }

  /** The steps in order, until one is not done; a step that throws is reported as `Error` and rethrown. */
  async #runSteps(
    network: EmrNetwork,
    rendered: RenderedOrderingOrg,
    secrets: SecretStore,
    observed: Observed,
  ): Promise<{ outcomes: StepOutcome[]; failure?: unknown; retryAfterMs: number }> {
    const outcomes: StepOutcome[] = [];
    let type: StepOutcome['type'] = 'OrderersReady';
    try {
      const admin: { value?: OrderingAdmin } = {};
      let result = await this.#orderersReady(network, rendered, secrets, admin);
      outcomes.push({ type, ...pick(result) });
      if (result.status === 'True' && admin.value) {
        type = 'ChannelCreated';
        result = await this.#channelCreated(network, rendered, admin.value, observed);
        outcomes.push({ type, ...pick(result) });
      }
      return {
        outcomes,
        retryAfterMs: ('retryAfterMs' in result ? result.retryAfterMs : undefined) ?? 10_000,
      };
    } catch (error) {
      outcomes.push({ type, status: 'False', reason: 'Error', message: fabricErrorText(error) });
      return { outcomes, failure: error, retryAfterMs: 10_000 };
    }
  }

  /**
   * OrderersReady: the objects applied; the CA runs and its root is published (`ca-orderer-trust`); the orderers'
   * identities registered (`orderer-enrollments`, for their enroll init containers); the ordering org's admin
   * enrolled into Secret `orderer-admin`; every orderer Ready.
   */
  async #orderersReady(
    network: EmrNetwork,
    rendered: RenderedOrderingOrg,
    secrets: SecretStore,
    out: { value?: OrderingAdmin },
  ): Promise<StepResult> {
    const { client } = this.#options;
    const { namespace } = network.metadata;
    const ref = network.spec.ordererOrg.caRegistrarSecretRef;
    if ((await secrets.get({ name: ref.name, key: ref.key })) === undefined) {
      return waiting(
        'RegistrarSecretMissing',
        `Secret ${ref.name} (key ${ref.key}) is missing in namespace ${namespace}: create it with the ordering ` +
          "org CA's bootstrap registrar password",
        15_000,
      );
    }
    for (const object of rendered.objects) await applyRendered(client, object);
    const ca = await workloadsReady(client, namespace, 'StatefulSet', [ORDERER_CA_NAME]);
    if (!ca.ready) return waiting('CAStarting', ca.message, 5_000);
    const endpoint = rendered.ca.endpoint;
    const root = await publishCaTrust(client, {
      namespace,
      caName: endpoint.caName,
      url: endpoint.url,
      labels: networkLabels(network),
      owner: networkOwnerReference(network),
    });
    const enrollment: OrgEnrollment = {
      ca: newCaClient({ url: endpoint.url, tlsCaCertificate: root, caName: endpoint.caName }),
      org: rendered.org,
      secrets,
      registrar: { enrollmentId: 'registrar', secretName: ref.name, secretKey: ref.key },
    };
    const admin = await this.#ordererAdmin(enrollment, root);
    const uid = network.metadata.uid ?? network.metadata.name;
    if (!this.#registered.has(uid)) {
      // Each orderer's enrollment secret in `orderer-enrollments` (its pod's enroll input), registered at the CA
      // once per operator process: a registration that exists already is kept.
      const registrar = await enrollRegistrar(enrollment);
      for (const orderer of rendered.orderingService.endpoints) {
        await registerOnce(enrollment, registrar, orderer.name, 'orderer');
      }
      this.#registered.add(uid);
    }
    out.value = admin;
    const orderers = await workloadsReady(client, namespace, 'StatefulSet', [rendered.orderingService.name]);
    if (!orderers.ready) return waiting('OrderersStarting', orderers.message, 5_000);
    return done(
      'OrderersRunning',
      `${network.spec.orderers.replicas} orderer${network.spec.orderers.replicas === 1 ? '' : 's'} of ` +
        `${network.spec.ordererOrg.mspId} running; CA root in ConfigMap ${ORDERER_CA_NAME}-trust`,
    );
  }

  /** The ordering org's admin (signing and TLS client identity) from its Secret, else enrolled into it once. */
  async #ordererAdmin(enrollment: OrgEnrollment, root: string): Promise<OrderingAdmin> {
    const admin =
      (await loadOrgAdmin(enrollment.secrets, enrollment.org)) ??
      (await enrollOrgAdmin(enrollment, await enrollRegistrar(enrollment), root));
    return { root, ...admin };
  }

  /**
   * ChannelCreated: every orderer takes part in the channel. The genesis block is made once, when every founder
   * has its admin enrolled (its CA root is in its admin Secret), from the TLS certificates the orderers present.
   */
  async #channelCreated(
    network: EmrNetwork,
    rendered: RenderedOrderingOrg,
    admin: OrderingAdmin,
    observed: Observed,
  ): Promise<StepResult> {
    const { channel } = network.spec;
    const endpoints = rendered.orderingService.endpoints;
    const adminOf = (adminUrl: string): OrdererAdminEndpoint => ({
      adminUrl,
      tlsCaCertificate: admin.root,
      clientIdentity: admin.tls,
    });
    const joined: string[] = [];
    for (const orderer of endpoints) {
      if (await getOrdererChannel(adminOf(orderer.adminUrl), channel)) joined.push(orderer.name);
    }
    if (joined.length < endpoints.length) {
      const genesis =
        joined.length === 0
          ? await this.#genesis(network, rendered, admin)
          : await this.#storedGenesis(network);
      if ('unavailable' in genesis) return genesis.unavailable;
      for (const orderer of endpoints) {
        if (joined.includes(orderer.name)) continue;
        await joinOrdererToChannel(adminOf(orderer.adminUrl), channel, genesis.block);
        joined.push(orderer.name);
      }
      await this.#options.events.record(
        network,
        'Normal',
        'ChannelJoinedByOrderers',
        `orderers ${endpoints.map((o) => o.name).join(', ')} take part in channel ${channel}`,
      );
    }
    const first = await getOrdererChannel(adminOf(endpoints[0]?.adminUrl ?? ''), channel);
    observed.height = first?.height;
    const orderer = {
      address: ordererAddress(network.metadata.namespace, this.#options.clusterDomain),
      tlsCaCertificate: admin.root,
    };
    try {
      observed.members = [...(await readChannelMembership(orderer, channel, admin.signing)).members];
    } catch (error) {
      // Raft elects a leader a few seconds after the join; the members are read again on the next reconcile.
      return waiting(
        'ChannelStarting',
        `channel ${channel} has no readable config yet: ${fabricErrorText(error)}`,
        5_000,
      );
    }
    return done(
      'Created',
      `channel ${channel} on ${joined.length}/${endpoints.length} orderers; members ${observed.members.join(', ')}`,
    );
  }

  async #storedGenesis(network: EmrNetwork): Promise<{ block: Uint8Array } | { unavailable: StepResult }> {
    const stored = await this.#options.client.get<KubeObject & { binaryData?: Record<string, string> }>(
      resourcePath(CONFIG_MAPS, {
        namespace: network.metadata.namespace,
        name: genesisConfigMapName(network.metadata.name),
      }),
    );
    const encoded = stored?.binaryData?.[GENESIS_KEY];
    if (encoded === undefined) {
      return {
        unavailable: waiting(
          'GenesisMissing',
          `some orderers take part in channel ${network.spec.channel} but ConfigMap ` +
            `${genesisConfigMapName(network.metadata.name)} with its genesis block is gone: join the others by hand`,
          60_000,
        ),
      };
    }
    return { block: Buffer.from(encoded, 'base64') };
  }

  /** The stored genesis block, else a new one once the founders are ready (then stored before any join). */
  async #genesis(
    network: EmrNetwork,
    rendered: RenderedOrderingOrg,
    admin: OrderingAdmin,
  ): Promise<{ block: Uint8Array } | { unavailable: StepResult }> {
    const stored = await this.#storedGenesis(network);
    if ('block' in stored) return stored;
    const founders = await this.#founders(network);
    if ('unavailable' in founders) return founders;
    const consenters = [];
    for (const orderer of rendered.orderingService.endpoints) {
      const certificate = await presentedCertificate(orderer.host, orderer.port, admin.root, admin.tls);
      consenters.push({ host: orderer.host, port: orderer.port, certificate });
    }
    const block = configtx.createGenesisBlock(
      genesisDefinition({
        channel: network.spec.channel,
        ordererMspId: network.spec.ordererOrg.mspId,
        ordererRoot: admin.root,
        consenters,
        founders: founders.founders,
        ...(network.spec.membershipPolicy ? { membershipPolicy: network.spec.membershipPolicy } : {}),
      }),
    );
    await applyObject(this.#options.client, CONFIG_MAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: genesisConfigMapName(network.metadata.name),
        namespace: network.metadata.namespace,
        labels: networkLabels(network),
        ownerReferences: [networkOwnerReference(network)],
      },
      binaryData: { [GENESIS_KEY]: Buffer.from(block).toString('base64') },
    } as KubeObject);
    return { block };
  }

  async #founders(network: EmrNetwork): Promise<{ founders: Founder[] } | { unavailable: StepResult }> {
    const ref = {
      name: network.metadata.name,
      namespace: network.metadata.namespace,
      channel: network.spec.channel,
    };
    const match = matchFounders(ref, network.spec.foundingMembers, this.#options.providers());
    const missing = describeMissingFounders(match, ref);
    if (missing) return { unavailable: waiting('WaitingForFounders', missing, 15_000) };
    const founders: Founder[] = [];
    const notEnrolled: string[] = [];
    for (const provider of match.found) {
      const secret = await readSecret(
        this.#options.client,
        provider.metadata.namespace,
        names.adminSecret(provider.metadata.name),
      );
      const root = secret?.[ADMIN_KEYS.caCertificate];
      if (root === undefined || secret?.[ADMIN_KEYS.certificate] === undefined) {
        notEnrolled.push(`${provider.spec.mspId} (${provider.metadata.namespace}/${provider.metadata.name})`);
        continue;
      }
      const peers = renderProvider(provider, this.#options).org.peers;
      founders.push({
        mspId: provider.spec.mspId,
        root,
        anchorPeers: peers.map((peer) => {
          const colon = peer.address.lastIndexOf(':');
          return { host: peer.address.slice(0, colon), port: Number(peer.address.slice(colon + 1)) };
        }),
      });
    }
    if (notEnrolled.length > 0) {
      return {
        unavailable: waiting(
          'WaitingForFounders',
          `waiting for the founders' CA and admin enrollment: ${notEnrolled.join(', ')}`,
          10_000,
        ),
      };
    }
    return { founders };
  }

  #status(
    network: EmrNetwork,
    updates: readonly ConditionUpdate[],
    observed: Observed,
  ): { status: EmrNetworkStatus; transitions: Transition[] } {
    const generation = network.metadata.generation ?? 0;
    const now = this.#options.now?.() ?? new Date();
    const merged = mergeConditions(network.status?.conditions, updates, generation, now);
    const order: readonly string[] = [...NETWORK_CONDITION_TYPES, READY];
    const conditions = merged.conditions.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
    const members = observed.members ?? network.status?.members;
    const height = observed.height ?? network.status?.height;
    const status: EmrNetworkStatus = {
      observedGeneration: generation,
      phase: networkPhase(updates, network.status !== undefined),
      ordererEndpoints: renderOrderingOrg(network, this.#options).orderingService.endpoints.map(
        (o) => `${o.host}:${ORDERER_PORTS.grpc}`,
      ),
      ...(members ? { members } : {}),
      ...(height === undefined ? {} : { height }),
      conditions,
    };
    return { status, transitions: merged.transitions };
  }

  async #writeStatus(network: EmrNetwork, status: EmrNetworkStatus): Promise<void> {
    if (JSON.stringify(network.status ?? {}) === JSON.stringify(status)) return;
    await applyObject(
      this.#options.client,
      EMR_NETWORKS,
      {
        apiVersion: EMR_NETWORK_API_VERSION,
        kind: 'EmrNetwork',
        metadata: { name: network.metadata.name, namespace: network.metadata.namespace },
        status,
      } as KubeObject,
      { subresource: 'status' },
    );
  }

  async #recordTransition(network: EmrNetwork, transition: Transition): Promise<void> {
    const { to } = transition;
    if (to.status === 'Unknown') return;
    if (to.type === READY && to.status !== 'True' && transition.from?.status !== 'True') return;
    const warning = to.reason === 'Error' || (to.type === READY && to.status !== 'True');
    await this.#options.events.record(
      network,
      warning ? 'Warning' : 'Normal',
      to.reason === 'Error' ? `${to.type}Failed` : to.reason,
      `${to.type}=${to.status}: ${to.message}`,
    );
  }

  /** Removes the ordering org's workloads and the Secrets and ConfigMaps made for it; the claims stay. */
  async #finalize(network: EmrNetwork): Promise<void> {
    const { client, events } = this.#options;
    const { namespace, name } = network.metadata;
    const index = (network.metadata.finalizers ?? []).indexOf(FINALIZER);
    if (index < 0) return;
    const rendered = renderOrderingOrg(network, this.#options);
    for (const object of [...rendered.objects].reverse()) {
      await deleteObject(client, resourceTypeOf(object), { namespace, name: object.metadata.name ?? '' });
    }
    const selector = Object.entries(networkLabels(network))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    for (const type of [SECRETS, CONFIG_MAPS]) {
      const { items } = await listObjects(client, type, { namespace, labelSelector: selector });
      for (const item of items)
        await deleteObject(client, type, { namespace, name: item.metadata.name ?? '' });
    }
    await events.record(
      network,
      'Normal',
      'CleanedUp',
      "removed the ordering service, its CA and their Secrets; the orderers' volumes (and the ledger) stay",
    );
    await removeFinalizer(client, EMR_NETWORKS, { namespace, name }, FINALIZER, index);
  }
}

function pick(result: StepResult): Omit<StepOutcome, 'type'> {
  return { status: result.status, reason: result.reason, message: result.message };
}
