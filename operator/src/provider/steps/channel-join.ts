import { fetchBlock, newPeerAdmin } from '@emr/network';
import { done, required, type Step } from './types';

/**
 * ChannelJoined: every peer has joined the channel. A peer joins from the channel's genesis block (it then pulls
 * every later block from the ordering service); peers that joined already are left alone.
 */
export const channelJoined: Step = {
  condition: 'ChannelJoined',
  phase: 'JoiningChannel',
  async run({ runtime, memo, status }) {
    const admin = required(memo.admin, 'the admin identity');
    const { channel } = required(memo.network, 'the network');
    const peers = await runtime.endpoints.peers();
    let genesis: Uint8Array | undefined;
    const joinedNow: string[] = [];
    for (const peer of peers) {
      const peerAdmin = newPeerAdmin(peer, admin);
      try {
        if ((await peerAdmin.listChannels()).includes(channel)) continue;
        genesis ??= (
          await fetchBlock(await runtime.endpoints.orderer(), channel, 0, admin)
        ).serializeBinary();
        await peerAdmin.joinChannel(genesis, channel);
        joinedNow.push(peer.name);
      } finally {
        peerAdmin.close();
      }
    }
    status.joined = `${peers.length}/${peers.length}`;
    return done('Joined', `${peers.length}/${peers.length} peers joined channel ${channel}`);
  },
};
