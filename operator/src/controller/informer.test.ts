import { describe, expect, it } from '@jest/globals';
import type { KubeClient, Query } from '../kube/client';
import type { KubeList, KubeObject, ResourceType, WatchEvent } from '../kube/types';
import { SILENT } from '../logger';
import { Informer, type InformerEvent } from './informer';

const TYPE: ResourceType = {
  group: 'emr-fabric.dev',
  version: 'v1alpha1',
  plural: 'medicalproviders',
  namespaced: true,
};

const object = (name: string, resourceVersion: string): KubeObject => ({
  apiVersion: 'emr-fabric.dev/v1alpha1',
  kind: 'MedicalProvider',
  metadata: { name, namespace: 'ns', resourceVersion },
});

type WatchScript = (onEvent: (event: WatchEvent<unknown>) => void) => Promise<void>;

/** A scripted API server: each list and each watch answers with the next entry of its script. */
function scriptedClient(
  lists: KubeList<KubeObject>[],
  watches: WatchScript[],
): { client: KubeClient; calls: string[] } {
  const calls: string[] = [];
  const client: KubeClient = {
    server: 'https://scripted',
    request<T>(method: string, path: string, spec?: { query?: Query }): Promise<T> {
      calls.push(`LIST ${path} continue=${String(spec?.query?.['continue'] ?? '')}`);
      const next = lists.shift();
      return next ? Promise.resolve(next as T) : new Promise<T>(() => undefined);
    },
    get: () => Promise.resolve(undefined),
    async watch<T>(path: string, query: Query, onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal) {
      calls.push(`WATCH rv=${String(query['resourceVersion'])}`);
      const next = watches.shift();
      if (next) return next(onEvent as (event: WatchEvent<unknown>) => void);
      return new Promise<void>((resolve) => {
        signal.addEventListener(
          'abort',
          () => {
            resolve();
          },
          { once: true },
        );
      });
    },
  };
  return { client, calls };
}

const list = (resourceVersion: string, ...items: KubeObject[]): KubeList<KubeObject> => ({
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion },
  items,
});

/** Lets the informer's promise chain run until `done` holds; under CPU load that takes more than a few ticks. */
async function settle(done: () => boolean = () => false, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 20 || (!done() && Date.now() < deadline); i++) {
    await new Promise((resolve) => setTimeout(resolve, i < 20 ? 0 : 10));
  }
}

describe('Informer', () => {
  it('lists, watches from the list version, resumes from the last version seen, and relists after 410 Gone', async () => {
    const { client, calls } = scriptedClient(
      [list('10', object('a', '9')), list('30', object('a', '25'), object('c', '28'))],
      [
        // A watch that the server ends normally (timeout): resumed from the last resourceVersion.
        (emit) => {
          emit({ type: 'ADDED', object: object('b', '11') });
          emit({ type: 'BOOKMARK', object: object('', '15') });
          return Promise.resolve();
        },
        // Then the version is compacted: relist.
        (emit) => {
          emit({
            type: 'ERROR',
            object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old' },
          });
          return Promise.resolve();
        },
      ],
    );
    const seen: [InformerEvent, string][] = [];
    const informer = new Informer<KubeObject>({
      client,
      type: TYPE,
      resyncMs: 60_000,
      logger: SILENT,
      onChange: (event, key) => seen.push([event, key]),
    });
    informer.start();
    await settle(() => calls.length >= 5);
    expect(calls).toEqual([
      'LIST /apis/emr-fabric.dev/v1alpha1/medicalproviders continue=',
      'WATCH rv=10',
      'WATCH rv=15',
      'LIST /apis/emr-fabric.dev/v1alpha1/medicalproviders continue=',
      'WATCH rv=30',
    ]);
    expect(informer.hasSynced).toBe(true);
    // b vanished between the lists: reported deleted; c is new.
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a', 'c']);
    expect(seen).toEqual([
      ['sync', 'ns/a'],
      ['added', 'ns/b'],
      ['sync', 'ns/a'],
      ['sync', 'ns/c'],
      ['deleted', 'ns/b'],
    ]);
    await informer.stop();
  });

  it('hands out every cached key again on resync', async () => {
    const { client } = scriptedClient([list('1', object('a', '1'), object('b', '1'))], []);
    const seen: string[] = [];
    const informer = new Informer<KubeObject>({
      client,
      type: TYPE,
      resyncMs: 30,
      logger: SILENT,
      onChange: (event, key) => {
        if (event === 'resync') seen.push(key);
      },
    });
    informer.start();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await informer.stop();
    expect(seen.slice(0, 2)).toEqual(['ns/a', 'ns/b']);
  });
});
