import { CaError, newCaClient } from '@emr/network';
import { done, waiting, type Step } from './types';

/** CAReady: the provider's CA runs and answers /cainfo over TLS. */
export const caReady: Step = {
  condition: 'CAReady',
  phase: 'Provisioning',
  async run({ runtime, memo }) {
    const workload = await runtime.workloads.ensureCa();
    if (!workload.ready) return waiting('CAStarting', workload.message, 5_000);
    const endpoint = await runtime.endpoints.ca();
    try {
      const ca = newCaClient({
        url: endpoint.url,
        tlsCaCertificate: endpoint.tlsCaCertificate,
        caName: endpoint.caName,
      });
      memo.caCertificate = await ca.getCaCertificate();
    } catch (error) {
      if (error instanceof CaError && ['UNREACHABLE', 'TIMEOUT', 'TLS_FAILED'].includes(error.code)) {
        return waiting('CAUnreachable', `CA ${endpoint.caName} at ${endpoint.url}: ${error.message}`, 5_000);
      }
      throw error;
    }
    return done('CAReachable', `CA ${endpoint.caName} answers at ${endpoint.url}`);
  },
};
