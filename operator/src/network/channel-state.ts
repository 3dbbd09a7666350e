import { findCondition } from '../api/conditions';
import type { EmrNetwork } from '../api/emr-network';

/**
 * Whether an EmrNetwork's channel exists, as its status says; undefined when nothing reconciles the network here
 * (no status written: devnet's channel, or an ordering service run outside this cluster).
 */
export function channelCreated(network: Pick<EmrNetwork, 'status'>): boolean | undefined {
  if (network.status?.observedGeneration === undefined) return undefined;
  return findCondition(network.status.conditions, 'ChannelCreated')?.status === 'True';
}
