/**
 * A work queue of object keys, as client-go's: a key is queued at most once however often it is added; a key
 * being processed is never handed to a second worker (one reconcile at a time per object) — added meanwhile,
 * it is queued again when the first finishes; failed keys come back after a per-key exponential backoff with
 * jitter; keys may be scheduled for later (requeue after, periodic checks).
 */
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';

export interface WorkQueueHooks {
  depth?(depth: number): void;
  added?(): void;
  retried?(): void;
  /** Seconds a key waited in the queue before a worker took it. */
  waited?(seconds: number): void;
  /** Seconds a worker spent on a key. */
  worked?(seconds: number): void;
}

export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #addedAt = new Map<string, number>();
  readonly #startedAt = new Map<string, number>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #policy: BackoffPolicy;
  readonly #hooks: WorkQueueHooks;
  readonly #random: () => number;
  #shuttingDown = false;

  constructor(options: { policy?: BackoffPolicy; hooks?: WorkQueueHooks; random?: () => number } = {}) {
    this.#policy = options.policy ?? DEFAULT_BACKOFF;
    this.#hooks = options.hooks ?? {};
    this.#random = options.random ?? Math.random;
  }

  get length(): number {
    return this.#queue.length;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#hooks.added?.();
    this.#dirty.add(key);
    this.#addedAt.set(key, Date.now());
    if (this.#processing.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#take(key);
      waiter(key);
      return;
    }
    this.#queue.push(key);
    this.#hooks.depth?.(this.#queue.length);
  }

  /** Adds the key after `delayMs`; an earlier pending schedule of the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const due = Date.now() + delayMs;
    const pending = this.#timers.get(key);
    if (pending && pending.due <= due) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.#timers.set(key, { due, timer });
  }

  /** Adds the key after its backoff, which grows with each failure until {@link forget}. */
  addRateLimited(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.#hooks.retried?.();
    const delay = backoffDelay(failures, this.#policy, this.#random);
    this.addAfter(key, delay);
    return delay;
  }

  /** Failures so far (the next backoff's exponent). */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** The next key; undefined once the queue shuts down. */
  get(): Promise<string | undefined> {
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#hooks.depth?.(this.#queue.length);
      this.#take(key);
      return Promise.resolve(key);
    }
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** A worker finished the key; re-queues it if it was added meanwhile. */
  done(key: string): void {
    this.#processing.delete(key);
    const started = this.#startedAt.get(key);
    this.#startedAt.delete(key);
    if (started !== undefined) this.#hooks.worked?.((Date.now() - started) / 1000);
    if (this.#dirty.has(key) && !this.#shuttingDown) {
      this.#dirty.delete(key);
      this.add(key);
    }
  }

  isProcessing(key: string): boolean {
    return this.#processing.has(key);
  }

  /** Stops handing out keys; pending timers are dropped; waiting workers get undefined. */
  shutdown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.length = 0;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  #take(key: string): void {
    this.#dirty.delete(key);
    this.#processing.add(key);
    const added = this.#addedAt.get(key);
    this.#addedAt.delete(key);
    if (added !== undefined) this.#hooks.waited?.((Date.now() - added) / 1000);
    this.#startedAt.set(key, Date.now());
  }
}
