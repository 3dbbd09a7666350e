/**
 * Leader election with a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: the holder renews
 * the Lease every retry period; others take it over only when they have seen it unchanged for a whole lease
 * duration (judged by their own clock, so clock skew between pods does not matter); every write carries the
 * resourceVersion read, so two candidates cannot both win. A leader that cannot renew within the renew deadline
 * stops leading. On shutdown the leader releases the Lease so a standby takes over at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../kube/client';
import { isConflict, isNotFound } from '../kube/errors';
import { LEASES, resourcePath, type KubeObject } from '../kube/types';
import type { Logger } from '../logger';

export interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  readonly spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name: string;
  /** This candidate, e.g. the pod name. */
  readonly identity: string;
  /** Default 15 s. */
  readonly leaseDurationMs?: number;
  /** Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** Default 2 s. */
  readonly retryPeriodMs?: number;
  readonly logger: Logger;
  readonly onLeadershipChange?: (leading: boolean) => void;
}

export type LeaseDecision = 'create' | 'renew' | 'take-over' | 'held-by-other';

/**
 * What a candidate may do with the Lease it read. `observedAt` is when this candidate last saw the Lease's record
 * change (holder or renew time): another holder's Lease counts as expired only a lease duration after that.
 */
export function decideLease(
  lease: Lease | undefined,
  identity: string,
  now: number,
  observedAt: number,
  defaultDurationMs: number,
): LeaseDecision {
  if (!lease) return 'create';
  const holder = lease.spec?.holderIdentity ?? '';
  if (holder === identity) return 'renew';
  if (holder === '') return 'take-over';
  const durationMs = (lease.spec?.leaseDurationSeconds ?? defaultDurationMs / 1000) * 1000;
  return observedAt + durationMs <= now ? 'take-over' : 'held-by-other';
}

/** The Lease record a candidate writes after deciding `decision` (not 'held-by-other'). */
export function nextLeaseSpec(
  lease: Lease | undefined,
  decision: Exclude<LeaseDecision, 'held-by-other'>,
  identity: string,
  now: Date,
  durationMs: number,
): LeaseSpec {
  const stamp = microTime(now);
  const previous = lease?.spec ?? {};
  return {
    holderIdentity: identity,
    leaseDurationSeconds: Math.round(durationMs / 1000),
    acquireTime: decision === 'renew' ? (previous.acquireTime ?? stamp) : stamp,
    renewTime: stamp,
    leaseTransitions: (previous.leaseTransitions ?? 0) + (decision === 'take-over' ? 1 : 0),
  };
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly #options: Required<Omit<LeaderElectionOptions, 'onLeadershipChange'>> &
    Pick<LeaderElectionOptions, 'onLeadershipChange'>;
  #leading = false;
  #observed: { record: string; at: number } | undefined;
  #lease: Lease | undefined;

  constructor(options: LeaderElectionOptions) {
    this.#options = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      ...options,
    };
  }

  get leading(): boolean {
    return this.#leading;
  }

  /**
   * Campaigns until leading, then keeps renewing; resolves when leadership is lost (false) or `signal` aborts
   * (true, after releasing the Lease).
   */
  async run(signal: AbortSignal, onLeading: () => Promise<void> | void): Promise<boolean> {
    const { retryPeriodMs, renewDeadlineMs, logger } = this.#options;
    const stopped = (): boolean => signal.aborted;
    while (!stopped() && !(await this.#tryAcquireOrRenew())) {
      await this.#pause(retryPeriodMs * (1 + 0.2 * Math.random()), signal);
    }
    if (stopped()) return true;
    this.#setLeading(true);
    logger.info('became leader', { lease: this.#options.name, identity: this.#options.identity });
    await onLeading();
    let lastRenew = Date.now();
    while (!stopped()) {
      await this.#pause(retryPeriodMs, signal);
      if (stopped()) break;
      if (await this.#tryAcquireOrRenew()) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew > renewDeadlineMs) {
        this.#setLeading(false);
        logger.warn('lost leadership: could not renew the lease in time', { lease: this.#options.name });
        return false;
      }
    }
    await this.release();
    return true;
  }

  /** Gives the Lease up (holder cleared, duration 1 s) if this candidate holds it. */
  async release(): Promise<void> {
    const lease = this.#lease;
    if (!this.#leading || !lease) return;
    this.#setLeading(false);
    const now = microTime(new Date());
    try {
      await this.#options.client.request('PUT', this.#path(), {
        body: {
          ...lease,
          spec: {
            holderIdentity: '',
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: lease.spec?.leaseTransitions ?? 0,
          },
        },
      });
      this.#options.logger.info('released the lease', { lease: this.#options.name });
    } catch (error) {
      this.#options.logger.warn('could not release the lease', { error: String(error) });
    }
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#options.onLeadershipChange?.(leading);
  }

  #path(): string {
    return resourcePath(LEASES, { namespace: this.#options.namespace, name: this.#options.name });
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, identity, name, leaseDurationMs, logger } = this.#options;
    try {
      const lease = await client.get<Lease>(this.#path());
      const now = Date.now();
      const decision = decideLease(lease, identity, now, this.#observe(lease, now), leaseDurationMs);
      if (decision === 'held-by-other') return false;
      const spec = nextLeaseSpec(lease, decision, identity, new Date(now), leaseDurationMs);
      this.#lease = await this.#write(lease, spec);
      this.#observed = { record: `${identity}|${spec.renewTime ?? ''}`, at: now };
      return true;
    } catch (error) {
      if (!isConflict(error) && !isNotFound(error)) {
        logger.warn('lease update failed', { lease: name, error: String(error) });
      }
      return false;
    }
  }

  /** When this candidate first saw the Lease's current record (holder and renew time). */
  #observe(lease: Lease | undefined, now: number): number {
    const record = `${lease?.spec?.holderIdentity ?? ''}|${lease?.spec?.renewTime ?? ''}`;
    if (this.#observed?.record !== record) this.#observed = { record, at: now };
    return this.#observed.at;
  }

  /** Creates the Lease, or replaces it at the resourceVersion read (a concurrent writer makes this a 409). */
  #write(lease: Lease | undefined, spec: LeaseSpec): Promise<Lease> {
    const { client, namespace, name } = this.#options;
    if (!lease) {
      return client.request<Lease>('POST', resourcePath(LEASES, { namespace }), {
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec },
      });
    }
    return client.request<Lease>('PUT', this.#path(), { body: { ...lease, spec } });
  }

  async #pause(ms: number, signal: AbortSignal): Promise<void> {
    await sleep(ms, undefined, { signal }).catch(() => undefined);
  }
}
