/**
 * Events on the resources the operator reconciles (core/v1, what `kubectl describe` and `kubectl get events`
 * show). A repeat of the same event on the same object within the series window bumps its count instead of
 * creating another one. Recording never fails a reconcile: errors are logged.
 */
import { randomBytes } from 'node:crypto';
import { FIELD_MANAGER } from '../api/medical-provider';
import type { Logger } from '../logger';
import type { KubeClient } from './client';
import { createObject, mergePatch } from './resources';
import { EVENTS, type KubeObject } from './types';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  record(object: KubeObject, type: EventType, reason: string, message: string): Promise<void>;
}

const SERIES_WINDOW_MS = 10 * 60_000;
const MAX_MESSAGE = 1024;

interface Series {
  readonly name: string;
  count: number;
  last: number;
}

export function newEventRecorder(client: KubeClient, instance: string, logger: Logger): EventRecorder {
  const series = new Map<string, Series>();
  return {
    async record(object, type, reason, message) {
      const { namespace, name, uid } = object.metadata;
      if (namespace === undefined || name === undefined) return;
      const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;
      const key = `${uid ?? name}|${type}|${reason}|${text}`;
      const now = new Date();
      try {
        const known = series.get(key);
        if (known && now.getTime() - known.last < SERIES_WINDOW_MS) {
          known.count++;
          known.last = now.getTime();
          await mergePatch(
            client,
            EVENTS,
            { namespace, name: known.name },
            {
              count: known.count,
              lastTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z'),
            },
          );
          return;
        }
        const eventName = `${name}.${Date.now().toString(16)}${randomBytes(3).toString('hex')}`;
        const timestamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
        await createObject(client, EVENTS, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: eventName, namespace },
          involvedObject: {
            apiVersion: object.apiVersion,
            kind: object.kind,
            name,
            namespace,
            ...(uid === undefined ? {} : { uid }),
            ...(object.metadata.resourceVersion === undefined
              ? {}
              : { resourceVersion: object.metadata.resourceVersion }),
          },
          type,
          reason,
          message: text,
          source: { component: FIELD_MANAGER },
          reportingComponent: FIELD_MANAGER,
          reportingInstance: instance,
          firstTimestamp: timestamp,
          lastTimestamp: timestamp,
          count: 1,
        } as KubeObject);
        series.set(key, { name: eventName, count: 1, last: now.getTime() });
        if (series.size > 5000) series.clear();
      } catch (error) {
        logger.warn('could not record event', { namespace, name, reason, error: String(error) });
      }
    },
  };
}
