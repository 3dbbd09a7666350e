import { connectGateway, initializeEmrProvider } from '@emr/network';
import { findCondition } from '../../api/conditions';
import { done, required, type Step } from './types';

/**
 * ProviderInitialized: the provider's pseudonym key is set in its implicit private collection (EMR chaincode
 * InitializeProvider, once). The key can never be unset and the chaincode offers no query for it, so once this
 * condition was True the step does not ask again.
 */
export const providerInitialized: Step = {
  condition: 'ProviderInitialized',
  phase: 'DeployingChaincode',
  async run({ runtime, memo, provider, previous }) {
    const { channel } = required(memo.network, 'the network');
    const { name } = provider.spec.chaincode;
    const before = findCondition(previous?.conditions, 'ProviderInitialized');
    if (before?.status === 'True') return done(before.reason, before.message);
    const [peer] = await runtime.endpoints.peers();
    if (!peer) throw new Error('the provider has no peer');
    using connection = connectGateway(peer, required(memo.admin, 'the admin identity'));
    const result = await initializeEmrProvider(connection.gateway, channel, name);
    return done(
      'Initialized',
      `${provider.spec.mspId}'s provider key is set in chaincode ${name}` +
        (result === 'already-initialized' ? ' (it was already)' : ''),
    );
  },
};
