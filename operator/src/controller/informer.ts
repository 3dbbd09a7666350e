/**
 * List, then watch from the list's resourceVersion (with bookmarks), keeping a cache of the objects and telling
 * the controller which keys changed. A watch that ends is resumed from the last resourceVersion seen; a 410
 * Gone (the version was compacted) or any error leads to a fresh list after a backoff. Every `resyncMs` all
 * cached keys are handed out again, so a level-based reconcile re-checks the world even when nothing changed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { objectKey } from '../api/medical-provider';
import type { KubeClient } from '../kube/client';
import { KubeApiError } from '../kube/errors';
import { listObjects } from '../kube/resources';
import {
  resourcePath,
  type KubeObject,
  type ResourceType,
  type Status,
  type WatchEvent,
} from '../kube/types';
import type { Logger } from '../logger';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

export type InformerEvent = 'sync' | 'added' | 'modified' | 'deleted' | 'resync';

export interface InformerOptions {
  readonly client: KubeClient;
  readonly type: ResourceType;
  /** One namespace, or every namespace when undefined. */
  readonly namespace?: string;
  readonly resyncMs: number;
  readonly logger: Logger;
  /** `previous`: the cached object a modification replaces. */
  readonly onChange: (event: InformerEvent, key: string, object?: KubeObject, previous?: KubeObject) => void;
  /** Server-side watch timeout; the watch is then resumed. Default 5 to 10 minutes, at random. */
  readonly watchTimeoutSeconds?: () => number;
}

export class Informer<T extends KubeObject> {
  readonly #options: InformerOptions;
  readonly #cache = new Map<string, T>();
  readonly #abort = new AbortController();
  #synced = false;
  #running: Promise<void> | undefined;
  #resync: NodeJS.Timeout | undefined;
  /** Time of the last successful list or watch event: the liveness of the loop. */
  #lastContact = Date.now();

  constructor(options: InformerOptions) {
    this.#options = options;
  }

  get hasSynced(): boolean {
    return this.#synced;
  }

  get lastContact(): number {
    return this.#lastContact;
  }

  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  list(): T[] {
    return [...this.#cache.values()];
  }

  start(): void {
    if (this.#running) return;
    this.#running = this.#loop();
    this.#resync = setInterval(() => {
      for (const key of this.#cache.keys()) this.#options.onChange('resync', key);
    }, this.#options.resyncMs);
    this.#resync.unref();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#resync) clearInterval(this.#resync);
    await this.#running;
  }

  async #loop(): Promise<void> {
    const { logger } = this.#options;
    const signal = this.#abort.signal;
    const stopped = (): boolean => signal.aborted;
    for (let failures = 0; !stopped();) {
      try {
        let resourceVersion = await this.#relist();
        failures = 0;
        // Watch until the server ends the stream; resume from the last version seen; relist on 410.
        while (!stopped()) {
          resourceVersion = await this.#watch(resourceVersion);
        }
      } catch (error) {
        if (stopped()) return;
        const gone = error instanceof KubeApiError && error.status === 410;
        const delay = gone ? 0 : backoffDelay(failures++, { ...DEFAULT_BACKOFF, maxMs: 30_000 });
        logger[gone ? 'info' : 'warn'](gone ? 'watch expired; relisting' : 'list/watch failed; relisting', {
          resource: this.#options.type.plural,
          error: String(error),
          retryInMs: delay,
        });
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  async #relist(): Promise<string> {
    const { client, type, namespace } = this.#options;
    const list = await listObjects(client, type, namespace === undefined ? {} : { namespace });
    const items = list.items as T[];
    this.#lastContact = Date.now();
    const seen = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      seen.add(key);
      const previous = this.#cache.get(key);
      this.#cache.set(key, item);
      this.#options.onChange('sync', key, item, previous);
    }
    for (const key of [...this.#cache.keys()]) {
      if (!seen.has(key)) {
        this.#cache.delete(key);
        this.#options.onChange('deleted', key);
      }
    }
    this.#synced = true;
    return list.resourceVersion;
  }

  /** One watch stream; resolves with the last resourceVersion seen. */
  async #watch(fromVersion: string): Promise<string> {
    const { client, type, namespace } = this.#options;
    let resourceVersion = fromVersion;
    const timeoutSeconds = this.#options.watchTimeoutSeconds?.() ?? 300 + Math.floor(Math.random() * 300);
    let failure: KubeApiError | undefined;
    await client.watch<T | Status>(
      resourcePath(type, namespace === undefined ? {} : { namespace }),
      { resourceVersion, allowWatchBookmarks: true, timeoutSeconds },
      (event: WatchEvent<T | Status>) => {
        this.#lastContact = Date.now();
        if (event.type === 'ERROR') {
          const status = event.object as Status;
          failure = new KubeApiError(
            status.code ?? 500,
            status.reason ?? 'Error',
            status.message ?? 'watch error',
          );
          return;
        }
        const object = event.object as T;
        resourceVersion = object.metadata.resourceVersion ?? resourceVersion;
        if (event.type === 'BOOKMARK') return;
        const key = objectKey(object);
        if (event.type === 'DELETED') {
          this.#cache.delete(key);
          this.#options.onChange('deleted', key);
        } else {
          const previous = this.#cache.get(key);
          this.#cache.set(key, object);
          this.#options.onChange(event.type === 'ADDED' ? 'added' : 'modified', key, object, previous);
        }
      },
      this.#abort.signal,
    );
    if (failure) throw failure;
    return resourceVersion;
  }
}
