import { done, waiting, type Step } from './types';

/** GatewayReady: the provider's REST gateway runs (or the spec asks for none). */
export const gatewayReady: Step = {
  condition: 'GatewayReady',
  phase: 'Provisioning',
  async run({ runtime, provider }) {
    if (provider.spec.gateway.replicas === 0) {
      return done('Disabled', 'no gateway: spec.gateway.replicas is 0');
    }
    const state = await runtime.workloads.ensureGateway();
    if (!state.ready) return waiting('GatewayStarting', state.message, 5_000);
    return done('GatewayRunning', state.message);
  },
};
