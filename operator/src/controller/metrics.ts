/**
 * Prometheus metrics under controller-runtime's names, so existing dashboards and alerts work unchanged:
 * reconcile totals, errors and durations per controller, the work queue's depth, adds, retries and latencies,
 * leader election status, and Node.js process metrics — in a registry of the operator's own.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueueHooks } from './work-queue';

export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

export interface ControllerMetrics {
  readonly registry: Registry;
  reconciled(controller: string, result: ReconcileResult, seconds: number): void;
  workQueueHooks(name: string): WorkQueueHooks;
  activeWorkers(controller: string, count: number): void;
  leader(name: string, isLeader: boolean): void;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function newControllerMetrics(options: { defaultMetrics?: boolean } = {}): ControllerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'],
    registers: [registry],
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'],
    registers: [registry],
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'],
    registers: [registry],
  });
  const depth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name'],
    registers: [registry],
  });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name'],
    registers: [registry],
  });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'],
    registers: [registry],
  });
  return {
    registry,
    reconciled(controller, result, seconds) {
      reconcileTotal.inc({ controller, result });
      if (result === 'error') reconcileErrors.inc({ controller });
      reconcileTime.observe({ controller }, seconds);
    },
    workQueueHooks(name) {
      return {
        depth: (value) => {
          depth.set({ name }, value);
        },
        added: () => {
          adds.inc({ name });
        },
        retried: () => {
          retries.inc({ name });
        },
        waited: (seconds) => {
          queueDuration.observe({ name }, seconds);
        },
        worked: (seconds) => {
          workDuration.observe({ name }, seconds);
        },
      };
    },
    activeWorkers(controller, count) {
      activeWorkers.set({ controller }, count);
    },
    leader(name, isLeader) {
      leaderStatus.set({ name }, isLeader ? 1 : 0);
    },
  };
}
