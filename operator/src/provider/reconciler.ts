/**
 * Reconciles one MedicalProvider: finalizer first, then the onboarding steps in order, then the status (through the
 * /status subresource, server-side apply) and an Event per condition transition. Deletion removes what the
 * operator created in Kubernetes and leaves the channel alone: removing an org from a channel is a separate,
 * explicit action (README).
 */
import { fabricErrorText, type OrgModel } from '@emr/network';
import { findCondition, mergeConditions, type Transition } from '../api/conditions';
import {
  FINALIZER,
  MEDICAL_PROVIDER,
  MEDICAL_PROVIDER_API_VERSION,
  PROVIDER_LABEL,
  parseKey,
  READY,
  type MedicalProvider,
  type MedicalProviderStatus,
} from '../api/medical-provider';
import { MEDICAL_PROVIDERS } from '../api/resources';
import type { ReconcileOutcome, Reconciler } from '../controller/controller';
import type { KubeClient } from '../kube/client';
import type { EventRecorder, EventType } from '../kube/events';
import { applyObject, deleteObject, listObjects, removeFinalizer } from '../kube/resources';
import { newKubeSecretStore } from '../kube/secret-store';
import { CONFIG_MAPS, resourcePath, SECRETS, type KubeObject, type OwnerReference } from '../kube/types';
import type { Logger } from '../logger';
import type { MemberDirectory, NetworkResolver, RuntimeFactory } from '../runtime/types';
import { nextStatus, runSteps, waitAfter, type PipelineResult, type StepReport } from './pipeline';
import { PROVIDER_STEPS, type ProviderSession, type Step, type StatusFields } from './steps';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';
export const OPERATOR_NAME = 'emr-operator';

export interface ProviderReconcilerOptions {
  readonly client: KubeClient;
  readonly runtime: RuntimeFactory;
  readonly members: (provider: MedicalProvider) => MemberDirectory;
  readonly network: NetworkResolver;
  readonly events: EventRecorder;
  readonly logger: Logger;
  /** Default PROVIDER_STEPS. */
  readonly steps?: readonly Step[];
  readonly now?: () => Date;
}

/** Labels of every object the operator creates for a provider; cleanup selects on them. */
export function ownedLabels(provider: MedicalProvider): Record<string, string> {
  return {
    [MANAGED_BY]: OPERATOR_NAME,
    'app.kubernetes.io/part-of': 'emr-network',
    [PROVIDER_LABEL]: provider.metadata.name,
  };
}

export function ownerReference(provider: MedicalProvider): OwnerReference {
  return {
    apiVersion: MEDICAL_PROVIDER_API_VERSION,
    kind: MEDICAL_PROVIDER.kind,
    name: provider.metadata.name,
    uid: provider.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export class ProviderReconciler implements Reconciler {
  readonly #options: ProviderReconcilerOptions;
  readonly #steps: readonly Step[];
  readonly #sessions = new Map<string, ProviderSession>();

  constructor(options: ProviderReconcilerOptions) {
    this.#options = options;
    this.#steps = options.steps ?? PROVIDER_STEPS;
  }

  async reconcile(key: string): Promise<ReconcileOutcome> {
    const { namespace, name } = parseKey(key);
    let provider = await this.#options.client.get<MedicalProvider>(
      resourcePath(MEDICAL_PROVIDERS, { namespace, name }),
    );
    if (!provider) {
      this.#sessions.delete(key);
      return {};
    }
    if (provider.metadata.deletionTimestamp !== undefined) {
      await this.#finalize(provider);
      this.#sessions.delete(key);
      return {};
    }
    if (!(provider.metadata.finalizers ?? []).includes(FINALIZER)) {
      provider = await applyObject<MedicalProvider>(this.#options.client, MEDICAL_PROVIDERS, {
        apiVersion: MEDICAL_PROVIDER_API_VERSION,
        kind: MEDICAL_PROVIDER.kind,
        metadata: { name, namespace, finalizers: [FINALIZER] },
      });
    }
    return this.#onboard(key, provider);
  }

  async #onboard(key: string, provider: MedicalProvider): Promise<ReconcileOutcome> {
    const { client, logger } = this.#options;
    const log = logger.child({ provider: key, generation: provider.metadata.generation });
    const secrets = newKubeSecretStore(client, {
      namespace: provider.metadata.namespace,
      labels: ownedLabels(provider),
      owner: ownerReference(provider),
    });
    const org: OrgModel = { name: provider.metadata.name, mspId: provider.spec.mspId };
    const previous = provider.status;
    const fields = statusFields(previous);
    const session = this.#session(key);
    const pipeline = await runSteps(this.#steps, {
      provider,
      org,
      runtime: this.#options.runtime.forProvider(provider, { secrets }),
      secrets,
      members: this.#options.members(provider),
      network: this.#options.network,
      session,
      memo: {},
      previous,
      status: fields,
      audit: (member, reason, message) =>
        member.resource
          ? this.#options.events.record(member.resource, 'Normal', reason, message)
          : Promise.resolve(),
      logger: log,
    });
    const generation = provider.metadata.generation ?? 0;
    const next = nextStatus(this.#steps, previous, fields, pipeline, generation, this.#now());
    if (!sameStatus(previous, next.status)) await this.#writeStatus(provider, next.status);
    await this.#recordTransitions(provider, next.transitions, pipeline);
    const stopped = pipeline.stoppedAt;
    log.info(pipeline.ready ? 'ready' : 'not ready yet', {
      phase: next.status.phase,
      ...(stopped ? { step: stopped.step.condition, reason: stopped.result.reason } : {}),
    });
    if (stopped?.error !== undefined) {
      throw stopped.error instanceof Error ? stopped.error : new Error(fabricErrorText(stopped.error));
    }
    const wait = waitAfter(pipeline);
    return wait === undefined ? {} : { requeueAfterMs: wait };
  }

  #session(key: string): ProviderSession {
    const known = this.#sessions.get(key);
    if (known) return known;
    const session: ProviderSession = {};
    this.#sessions.set(key, session);
    return session;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  async #writeStatus(provider: MedicalProvider, status: MedicalProviderStatus): Promise<void> {
    await applyObject(
      this.#options.client,
      MEDICAL_PROVIDERS,
      {
        apiVersion: MEDICAL_PROVIDER_API_VERSION,
        kind: MEDICAL_PROVIDER.kind,
        metadata: { name: provider.metadata.name, namespace: provider.metadata.namespace },
        status,
      } as KubeObject,
      { subresource: 'status' },
    );
  }

  async #recordTransitions(
    provider: MedicalProvider,
    transitions: readonly Transition[],
    pipeline: PipelineResult,
  ): Promise<void> {
    const reports = new Map(pipeline.reports.map((r) => [r.step.condition as string, r]));
    for (const transition of transitions) {
      const event = transitionEvent(transition, reports.get(transition.type));
      if (event) await this.#options.events.record(provider, event.type, event.reason, event.message);
    }
  }

  async #finalize(provider: MedicalProvider): Promise<void> {
    const { client, events, logger } = this.#options;
    const finalizers = provider.metadata.finalizers ?? [];
    const index = finalizers.indexOf(FINALIZER);
    if (index < 0) return;
    const { namespace, name } = provider.metadata;
    let removed: string[];
    try {
      await this.#markDeleting(provider, 'Deleting', 'removing what the operator created for the provider');
      removed = await this.#cleanUp(provider);
    } catch (error) {
      const message = `cleanup failed, retrying with backoff: ${fabricErrorText(error)}`;
      await events.record(provider, 'Warning', 'CleanupFailed', message);
      await this.#markDeleting(provider, 'CleanupFailed', message);
      throw error;
    }
    await events.record(
      provider,
      'Normal',
      'CleanedUp',
      `removed ${removed.length > 0 ? removed.join(', ') : 'nothing'} and the provider's workloads; the ` +
        `organization stays in channel ${provider.spec.network.channel} (removing it is a separate action)`,
    );
    await removeFinalizer(client, MEDICAL_PROVIDERS, { namespace, name }, FINALIZER, index);
    logger.info('finalized', { provider: `${namespace}/${name}`, removed });
  }

  /** Phase Deleting, and Ready False with what the deletion is doing (status of a resource being deleted). */
  async #markDeleting(provider: MedicalProvider, reason: string, message: string): Promise<void> {
    const ready = findCondition(provider.status?.conditions, READY);
    if (provider.status?.phase === 'Deleting' && ready?.reason === reason && ready.message === message)
      return;
    const { conditions } = mergeConditions(
      provider.status?.conditions,
      [{ type: READY, status: 'False', reason, message }],
      provider.metadata.generation ?? 0,
      this.#now(),
    );
    await this.#writeStatus(provider, { ...provider.status, phase: 'Deleting', conditions });
  }

  /** Deletes the workloads, then every Secret and ConfigMap labelled for the provider; what it deleted. */
  async #cleanUp(provider: MedicalProvider): Promise<string[]> {
    const { client } = this.#options;
    const { namespace } = provider.metadata;
    const secrets = newKubeSecretStore(client, { namespace });
    await this.#options.runtime.forProvider(provider, { secrets }).workloads.remove();
    const selector = Object.entries(ownedLabels(provider))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const removed: string[] = [];
    for (const type of [SECRETS, CONFIG_MAPS]) {
      const { items } = await listObjects(client, type, { namespace, labelSelector: selector });
      for (const item of items) {
        const itemName = item.metadata.name ?? '';
        if ((await deleteObject(client, type, { namespace, name: itemName })) === 'deleted') {
          removed.push(`${type.plural}/${itemName}`);
        }
      }
    }
    return removed;
  }
}

/** The Event reporting a condition's transition, if it deserves one. */
export function transitionEvent(
  transition: Transition,
  report: StepReport | undefined,
): { type: EventType; reason: string; message: string } | undefined {
  const { type, to } = transition;
  if (to.status === 'Unknown') return undefined;
  if (type === READY) {
    if (to.status === 'True')
      return { type: 'Normal', reason: 'Ready', message: 'every onboarding step is done' };
    return transition.from?.status === 'True'
      ? { type: 'Warning', reason: 'NotReady', message: to.message }
      : undefined;
  }
  const failed = report?.error !== undefined;
  const isBlocked = report !== undefined && 'blocked' in report.result && report.result.blocked === true;
  return {
    type: failed || isBlocked ? 'Warning' : 'Normal',
    reason: failed ? `${type}Failed` : to.reason,
    message: `${type}=${to.status}: ${to.message}`,
  };
}

/** The status fields besides conditions, as they were: steps that do not run keep them. */
function statusFields(previous: MedicalProviderStatus | undefined): StatusFields {
  const { channel, joined, signatures, signedBy, chaincode } = previous ?? {};
  return Object.fromEntries(
    Object.entries({ channel, joined, signatures, signedBy, chaincode }).filter(([, v]) => v !== undefined),
  );
}

/** Compares two statuses regardless of key order. */
function sameStatus(a: MedicalProviderStatus | undefined, b: MedicalProviderStatus): boolean {
  return stableJson(a ?? {}) === stableJson(b);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}
