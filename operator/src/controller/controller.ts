/**
 * A controller: informers feed keys into a work queue; workers take one key at a time and reconcile it. A failed
 * reconcile is retried with backoff; a reconcile may ask to be run again after a delay; a key is never reconciled
 * by two workers at once. Workers start only once every informer has listed (caches synced).
 */
import type { Logger } from '../logger';
import type { ControllerMetrics } from './metrics';
import { WorkQueue } from './work-queue';

export interface ReconcileOutcome {
  /** Run this key again after so many milliseconds (a wait that is not an error). */
  readonly requeueAfterMs?: number;
}

export interface Reconciler {
  reconcile(key: string): Promise<ReconcileOutcome>;
}

/** What feeds the queue: an Informer. */
export interface EventSource {
  readonly hasSynced: boolean;
  start(): void;
  stop(): Promise<void>;
}

export interface ControllerOptions {
  readonly name: string;
  readonly reconciler: Reconciler;
  readonly queue: WorkQueue;
  readonly informers: readonly EventSource[];
  readonly metrics: ControllerMetrics;
  readonly logger: Logger;
  /** Concurrent reconciles of different keys. Default 2. */
  readonly workers?: number;
}

export class Controller {
  readonly #options: ControllerOptions;
  readonly #workers: Promise<void>[] = [];
  #active = 0;
  #started = false;
  /** Last time a worker loop made progress or idled healthily: /healthz. */
  #heartbeat = Date.now();

  constructor(options: ControllerOptions) {
    this.#options = options;
  }

  get queue(): WorkQueue {
    return this.#options.queue;
  }

  get started(): boolean {
    return this.#started;
  }

  /** Every informer has listed at least once. */
  get synced(): boolean {
    return this.#options.informers.every((informer) => informer.hasSynced);
  }

  /** False when a worker is stuck far beyond any reconcile's expected duration. */
  healthy(maxReconcileMs = 10 * 60_000): boolean {
    return this.#active === 0 || Date.now() - this.#heartbeat < maxReconcileMs;
  }

  /** Starts the informers, waits for their first list, then starts the workers. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const informer of this.#options.informers) informer.start();
    while (!this.synced) {
      if (signal?.aborted || this.queue.shuttingDown) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.#options.logger.info('caches synced; starting workers', { controller: this.#options.name });
    for (let i = 0; i < (this.#options.workers ?? 2); i++) this.#workers.push(this.#work());
  }

  /** Stops taking keys, stops the informers and waits (up to `drainMs`) for running reconciles. */
  async stop(drainMs = 30_000): Promise<void> {
    this.queue.shutdown();
    await Promise.all(this.#options.informers.map((informer) => informer.stop()));
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(this.#workers).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          resolve(false);
        }, drainMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.#options.logger.warn('reconciles still running at shutdown', { controller: this.#options.name });
    }
  }

  async #work(): Promise<void> {
    const { name, reconciler, metrics, logger } = this.#options;
    for (;;) {
      this.#heartbeat = Date.now();
      const key = await this.queue.get();
      if (key === undefined) return;
      this.#active++;
      metrics.activeWorkers(name, this.#active);
      const started = process.hrtime.bigint();
      const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
      try {
        const outcome = await reconciler.reconcile(key);
        this.queue.forget(key);
        if (outcome.requeueAfterMs !== undefined) {
          this.queue.addAfter(key, outcome.requeueAfterMs);
          metrics.reconciled(name, 'requeue_after', seconds());
        } else {
          metrics.reconciled(name, 'success', seconds());
        }
      } catch (error) {
        const delay = this.queue.addRateLimited(key);
        metrics.reconciled(name, 'error', seconds());
        logger.warn('reconcile failed; retrying with backoff', {
          controller: name,
          key,
          retryInMs: delay,
          error: error instanceof Error ? error.message : String(error),
        });
      } finally {
        this.#active--;
        metrics.activeWorkers(name, this.#active);
        this.queue.done(key);
      }
    }
  }
}
