import { newPeerAdmin } from '@emr/network';
import { done, required, waiting, type Step } from './types';

/** PeersReady: every peer runs and answers its admin (the org admin may list its channels). */
export const peersReady: Step = {
  condition: 'PeersReady',
  phase: 'Provisioning',
  async run({ runtime, memo }) {
    const workload = await runtime.workloads.ensurePeers();
    if (!workload.ready) return waiting('PeersStarting', workload.message, 5_000);
    const admin = required(memo.admin, 'the admin identity');
    const peers = await runtime.endpoints.peers();
    for (const peer of peers) {
      const peerAdmin = newPeerAdmin(peer, admin);
      try {
        await peerAdmin.listChannels();
      } catch (error) {
        return waiting('PeerUnreachable', `${peer.name} at ${peer.address}: ${String(error)}`, 5_000);
      } finally {
        peerAdmin.close();
      }
    }
    return done(
      'PeersRunning',
      `${peers.length}/${peers.length} peers running: ${peers.map((p) => p.name).join(', ')}`,
    );
  },
};
