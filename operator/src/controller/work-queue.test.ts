import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue } from './work-queue';

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.length).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
  });

  it('never hands a key being processed to a second worker; re-queues it when done', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    expect(queue.length).toBe(0);
    expect(queue.isProcessing('a')).toBe(true);
    queue.done('a');
    expect(queue.length).toBe(1);
    expect(await queue.get()).toBe('a');
    queue.done('a');
    expect(queue.length).toBe(0);
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const queue = new WorkQueue();
    const next = queue.get();
    queue.add('x');
    expect(await next).toBe('x');
  });

  it('backs off failed keys exponentially until forgotten', async () => {
    const queue = new WorkQueue({ policy: { baseMs: 20, maxMs: 1_000, jitter: 0 } });
    expect(queue.addRateLimited('k')).toBe(20);
    expect(queue.addRateLimited('k')).toBe(40);
    expect(queue.failures('k')).toBe(2);
    queue.forget('k');
    expect(queue.addRateLimited('k')).toBe(20);
    const started = Date.now();
    expect(await queue.get()).toBe('k');
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('keeps the earliest of two schedules of a key', async () => {
    const queue = new WorkQueue();
    queue.addAfter('k', 5_000);
    queue.addAfter('k', 10);
    await sleep(40);
    expect(queue.length).toBe(1);
    queue.shutdown();
  });

  it('returns undefined to waiting workers on shutdown and ignores later adds', async () => {
    const queue = new WorkQueue();
    const waiting = queue.get();
    queue.shutdown();
    expect(await waiting).toBeUndefined();
    queue.add('late');
    expect(await queue.get()).toBeUndefined();
  });

  it('reports depth, adds, retries and durations to its hooks', async () => {
    const seen = { depth: [] as number[], added: 0, retried: 0, waited: 0, worked: 0 };
    const queue = new WorkQueue({
      policy: { baseMs: 1, maxMs: 1, jitter: 0 },
      hooks: {
        depth: (d) => seen.depth.push(d),
        added: () => seen.added++,
        retried: () => seen.retried++,
        waited: () => seen.waited++,
        worked: () => seen.worked++,
      },
    });
    queue.add('a');
    const key = await queue.get();
    queue.addRateLimited('a');
    queue.done(key ?? '');
    expect(seen).toMatchObject({ depth: [1, 0], added: 1, retried: 1, waited: 1, worked: 1 });
    queue.shutdown();
  });
});
