/**
 * The operator process: probes and metrics servers, leader election, and — while leading — the MedicalProvider
 * controller (informers → work queue → reconciler). Everything Kubernetes- or Fabric-specific is injected, so tests
 * run the same assembly against a test API server and devnet.
 */
import type { EmrNetwork } from './api/emr-network';
import { objectKey, type MedicalProvider } from './api/medical-provider';
import { EMR_NETWORKS, MEDICAL_PROVIDERS } from './api/resources';
import type { BackoffPolicy } from './controller/backoff';
import { Controller } from './controller/controller';
import { serveHttp, type RunningServer } from './controller/http-server';
import { Informer } from './controller/informer';
import { LeaderElector } from './controller/leader-election';
import { newControllerMetrics, type ControllerMetrics } from './controller/metrics';
import { WorkQueue } from './controller/work-queue';
import type { KubeClient } from './kube/client';
import { newEventRecorder, type EventRecorder } from './kube/events';
import type { KubeObject } from './kube/types';
import type { Logger } from './logger';
import { NetworkReconciler } from './network/reconciler';
import type { OrderingRenderOptions } from './network/render';
import { awaitsChaincodeApprovals, chaincodeApprovalChanged } from './provider/chaincode-progress';
import { newKubeMemberDirectory, newKubeNetworkResolver } from './provider/kube-directory';
import { ProviderReconciler } from './provider/reconciler';
import type { Step } from './provider/steps';
import type { RuntimeFactory } from './runtime/types';

export const CONTROLLER_NAME = 'medicalprovider';
export const NETWORK_CONTROLLER_NAME = 'emrnetwork';

/**
 * Whether a modification is one the provider's own reconcile must see: a new generation (spec), deletion,
 * finalizers or annotations (approvals). Status writes — most of them the operator's own — are not.
 */
export function specOrMetadataChanged(
  object: KubeObject | undefined,
  previous: KubeObject | undefined,
): boolean {
  if (!object || !previous) return true;
  const a = object.metadata;
  const b = previous.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.finalizers ?? []) !== JSON.stringify(b.finalizers ?? []) ||
    JSON.stringify(a.annotations ?? {}) !== JSON.stringify(b.annotations ?? {})
  );
}

/** The work-queue key of the EmrNetwork a provider references. */
function networkKey(provider: MedicalProvider | undefined): string | undefined {
  const network = provider?.spec.network;
  return network ? `${network.namespace}/${network.name}` : undefined;
}

export interface OperatorOptions {
  readonly client: KubeClient;
  readonly runtime: RuntimeFactory;
  /** This replica: the pod name. */
  readonly identity: string;
  readonly logger: Logger;
  /** Namespaces to watch; every namespace when empty or undefined. */
  readonly namespaces?: readonly string[];
  /** The Lease; no leader election when undefined (a single replica). */
  readonly leaderElection?: {
    readonly namespace: string;
    readonly name: string;
    readonly leaseDurationMs?: number;
    readonly renewDeadlineMs?: number;
    readonly retryPeriodMs?: number;
  };
  /** Port of /healthz and /readyz; 0 picks a free one; undefined serves none. */
  readonly healthPort?: number;
  /** Port of /metrics; 0 picks a free one; undefined serves none. */
  readonly metricsPort?: number;
  /** Default 0.0.0.0 (in a pod); tests use 127.0.0.1. */
  readonly host?: string;
  /** Default 10 minutes. */
  readonly resyncMs?: number;
  /** Default 2. */
  readonly workers?: number;
  readonly backoff?: BackoffPolicy;
  /**
   * Reconcile EmrNetworks too: run their ordering org and create their channel (the Kubernetes runtime). Without
   * it the operator only reads them (devnet's ordering service and channel exist already).
   */
  readonly networks?: OrderingRenderOptions;
  /** Replaces the onboarding steps (tests of the controller itself). */
  readonly steps?: readonly Step[];
  /** Replaces the event recorder (never needed outside tests). */
  readonly events?: EventRecorder;
  /** Called when leadership is lost; the default stops the operator (a pod then restarts). */
  readonly onLostLeadership?: () => void;
}

export class Operator {
  readonly metrics: ControllerMetrics;
  readonly #options: OperatorOptions;
  readonly #abort = new AbortController();
  readonly #servers: RunningServer[] = [];
  #controller: Controller | undefined;
  #networkController: Controller | undefined;
  #informers: Informer<MedicalProvider>[] = [];
  #elector: LeaderElector | undefined;
  #election: Promise<unknown> | undefined;
  #ports: { health?: number; metrics?: number } = {};
  #stopped = false;

  constructor(options: OperatorOptions) {
    this.#options = options;
    this.metrics = newControllerMetrics();
  }

  get leading(): boolean {
    return this.#elector ? this.#elector.leading : this.#controller !== undefined;
  }

  get healthPort(): number | undefined {
    return this.#ports.health;
  }

  get metricsPort(): number | undefined {
    return this.#ports.metrics;
  }

  /** Leader with synced caches, or a standby. */
  ready(): boolean {
    if (this.#stopped) return false;
    if (!this.leading) return this.#elector !== undefined;
    return (this.#controller?.synced ?? false) && (this.#networkController?.synced ?? true);
  }

  healthy(): boolean {
    return (
      !this.#stopped && (this.#controller?.healthy() ?? true) && (this.#networkController?.healthy() ?? true)
    );
  }

  /** Serves probes and metrics, then campaigns (or, without election, starts the controller at once). */
  async start(): Promise<void> {
    const { healthPort, metricsPort, host = '0.0.0.0' } = this.#options;
    if (healthPort !== undefined) {
      const sameAsMetrics = metricsPort !== undefined && metricsPort === healthPort && healthPort !== 0;
      const server = await serveHttp(healthPort, host, {
        healthz: () => this.healthy(),
        readyz: () => this.ready(),
        ...(sameAsMetrics ? { metrics: this.metrics.registry } : {}),
      });
      this.#servers.push(server);
      this.#ports.health = server.port;
      if (sameAsMetrics) this.#ports.metrics = server.port;
    }
    if (metricsPort !== undefined && this.#ports.metrics === undefined) {
      const server = await serveHttp(metricsPort, host, { metrics: this.metrics.registry });
      this.#servers.push(server);
      this.#ports.metrics = server.port;
    }
    const election = this.#options.leaderElection;
    if (!election) {
      await this.#startController();
      return;
    }
    this.#elector = new LeaderElector({
      client: this.#options.client,
      ...election,
      identity: this.#options.identity,
      logger: this.#options.logger,
      onLeadershipChange: (leading) => {
        this.metrics.leader(election.name, leading);
      },
    });
    this.#election = this.#elector
      .run(this.#abort.signal, () => this.#startController())
      .then(async (released) => {
        if (released) return;
        await this.#stopController();
        (this.#options.onLostLeadership ?? (() => void this.stop()))();
      });
  }

  /** Stops the controller (draining running reconciles), releases the Lease, closes the servers. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#stopController();
    this.#abort.abort();
    await this.#election;
    await Promise.all(this.#servers.splice(0).map((server) => server.close()));
  }

  async #startController(): Promise<void> {
    const { client, logger } = this.#options;
    const queue = new WorkQueue({
      hooks: this.metrics.workQueueHooks(CONTROLLER_NAME),
      ...(this.#options.backoff ? { policy: this.#options.backoff } : {}),
    });
    const namespaces = this.#options.namespaces?.length ? this.#options.namespaces : [undefined];
    const networkQueue = this.#options.networks
      ? new WorkQueue({
          hooks: this.metrics.workQueueHooks(NETWORK_CONTROLLER_NAME),
          ...(this.#options.backoff ? { policy: this.#options.backoff } : {}),
        })
      : undefined;
    this.#informers = namespaces.map(
      (namespace) =>
        new Informer<MedicalProvider>({
          client,
          type: MEDICAL_PROVIDERS,
          ...(namespace === undefined ? {} : { namespace }),
          resyncMs: this.#options.resyncMs ?? 10 * 60_000,
          logger,
          onChange: (event, key, object, previous) => {
            this.#onProviderChange({ queue, networkQueue }, { event, key, object, previous });
          },
        }),
    );
    const events = this.#options.events ?? newEventRecorder(client, this.#options.identity, logger);
    const reconciler = new ProviderReconciler({
      client,
      runtime: this.#options.runtime,
      members: (provider) => newKubeMemberDirectory(client, () => this.#cachedProviders(), provider),
      network: newKubeNetworkResolver(client),
      events,
      logger,
      ...(this.#options.steps ? { steps: this.#options.steps } : {}),
    });
    this.#controller = new Controller({
      name: CONTROLLER_NAME,
      reconciler,
      queue,
      informers: this.#informers,
      metrics: this.metrics,
      logger,
      workers: this.#options.workers ?? 2,
    });
    await this.#controller.start(this.#abort.signal);
    if (networkQueue && this.#options.networks) {
      await this.#startNetworkController(networkQueue, this.#options.networks, events, namespaces);
    }
  }

  async #startNetworkController(
    queue: WorkQueue,
    render: OrderingRenderOptions,
    events: EventRecorder,
    namespaces: readonly (string | undefined)[],
  ): Promise<void> {
    const { client, logger } = this.#options;
    const informers = namespaces.map(
      (namespace) =>
        new Informer<EmrNetwork>({
          client,
          type: EMR_NETWORKS,
          ...(namespace === undefined ? {} : { namespace }),
          resyncMs: this.#options.resyncMs ?? 10 * 60_000,
          logger,
          onChange: (event, key, object, previous) => {
            if (event !== 'modified' || specOrMetadataChanged(object, previous)) queue.add(key);
          },
        }),
    );
    this.#networkController = new Controller({
      name: NETWORK_CONTROLLER_NAME,
      reconciler: new NetworkReconciler({
        ...render,
        client,
        events,
        logger: logger.child({ controller: NETWORK_CONTROLLER_NAME }),
        providers: () => this.#cachedProviders(),
      }),
      queue,
      informers,
      metrics: this.metrics,
      logger,
      workers: 1,
    });
    await this.#networkController.start(this.#abort.signal);
  }

  /** What a change of a MedicalProvider makes the controllers look at again. */
  #onProviderChange(
    queues: { readonly queue: WorkQueue; readonly networkQueue: WorkQueue | undefined },
    change: { event: string; key: string; object?: KubeObject; previous?: KubeObject },
  ): void {
    const { event, key, object, previous } = change;
    if (event !== 'modified' || specOrMetadataChanged(object, previous)) queues.queue.add(key);
    // A founder's progress (its admin enrolled) may let its network create the channel.
    const network = networkKey((object ?? previous) as MedicalProvider | undefined);
    if (network !== undefined) queues.networkQueue?.add(network);
    // An approval or a member's progress may unblock providers waiting for consent: look at them again.
    if (event === 'modified' || event === 'added') {
      // A member that approved a new chaincode version may leave the others behind the channel: all look again.
      const everyone = chaincodeApprovalChanged(
        object as MedicalProvider | undefined,
        previous as MedicalProvider | undefined,
      );
      this.#requeueWaiting(queues.queue, key, everyone);
    }
  }

  #requeueWaiting(queue: WorkQueue, changed: string, everyone: boolean): void {
    for (const other of this.#cachedProviders()) {
      const otherKey = objectKey(other);
      const waiting =
        everyone ||
        ['AwaitingApproval', 'Failed'].includes(other.status?.phase ?? '') ||
        awaitsChaincodeApprovals(other);
      if (waiting && otherKey !== changed) queue.add(otherKey);
    }
  }

  #cachedProviders(): MedicalProvider[] {
    return this.#informers.flatMap((informer) => informer.list());
  }

  async #stopController(): Promise<void> {
    const controllers = [this.#controller, this.#networkController].filter(
      (controller): controller is Controller => controller !== undefined,
    );
    this.#controller = undefined;
    this.#networkController = undefined;
    await Promise.all(controllers.map((controller) => controller.stop()));
  }
}
