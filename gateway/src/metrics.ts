import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { toProblem } from './errors/to-problem';
import type { Ledger, LedgerCall } from './fabric/ledger';

/**
 * The gateway's own Prometheus registry (never the global one, so two apps in one process do not collide).
 * Labels are route patterns, transaction names and outcome codes: never ids, names or any health data.
 */
export interface GatewayMetrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly fabricCalls: Counter<'transaction' | 'kind' | 'outcome'>;
  readonly fabricCallDuration: Histogram<'transaction' | 'kind'>;
  /** Retries inside a submit: after MVCC conflicts (`conflict`) and of single steps. */
  readonly fabricSubmitRetries: Counter<'transaction' | 'step'>;
}

export function newGatewayMetrics(options: { readonly processMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests by route pattern',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    fabricCalls: new Counter({
      name: 'fabric_transactions_total',
      help: 'Chaincode transactions by name, kind (evaluate/submit) and outcome (success or problem code)',
      labelNames: ['transaction', 'kind', 'outcome'],
      registers: [registry],
    }),
    fabricCallDuration: new Histogram({
      name: 'fabric_transaction_duration_seconds',
      help: 'Duration of chaincode transactions, submit including the wait for the commit',
      labelNames: ['transaction', 'kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    fabricSubmitRetries: new Counter({
      name: 'fabric_submit_retries_total',
      help: 'Retries inside submits: new proposals after MVCC conflicts, repeated endorse/submit/commit-status steps',
      labelNames: ['transaction', 'step'],
      registers: [registry],
    }),
  };
}

/** The same ledger, counting and timing every call by transaction and outcome. */
export function instrumentLedger(ledger: Ledger, metrics: GatewayMetrics): Ledger {
  const observe = async <T>(
    call: LedgerCall,
    kind: 'evaluate' | 'submit',
    work: () => Promise<T>,
  ): Promise<T> => {
    const transaction = `${call.contract}:${call.transaction}`;
    const stop = metrics.fabricCallDuration.startTimer({ transaction, kind });
    try {
      const result = await work();
      metrics.fabricCalls.inc({ transaction, kind, outcome: 'success' });
      return result;
    } catch (err) {
      metrics.fabricCalls.inc({ transaction, kind, outcome: toProblem(err).code });
      throw err;
    } finally {
      stop();
    }
  };
  return {
    evaluate: (call) => observe(call, 'evaluate', () => ledger.evaluate(call)),
    submit: (call) => observe(call, 'submit', () => ledger.submit(call)),
    isReachable: () => ledger.isReachable(),
    close: () => {
      ledger.close();
    },
  };
}
