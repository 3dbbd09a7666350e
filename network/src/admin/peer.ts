import { common, peer } from '@hyperledger/fabric-protos';
import type { Identity } from '../identity/identity';
import type { ChaincodePackage } from './chaincode-package';
import { grpcConnectionSettings, type GrpcEndpoint } from './grpc';
import { processProposal } from './proposal';

/** Admin operations on one peer. The signer must be an admin of the peer's own org (its local MSP). */
export interface PeerAdmin {
  /** Channels the peer has joined. */
  listChannels(): Promise<string[]>;
  /** Joins the channel from its genesis block; 'already-joined' when it had. */
  joinChannel(genesisBlock: Uint8Array, channelId: string): Promise<'joined' | 'already-joined'>;
  /** Installs a chaincode package; 'already-installed' when the peer has these exact bytes. */
  installChaincode(pkg: ChaincodePackage): Promise<'installed' | 'already-installed'>;
  /** Package IDs installed on the peer. */
  listInstalledChaincodes(): Promise<string[]>;
  close(): void;
}

const lifecycleProtos = peer.lifecycle;

export function newPeerAdmin(endpoint: GrpcEndpoint, admin: Identity): PeerAdmin {
  const settings = grpcConnectionSettings(endpoint);
  const endorser = new peer.EndorserClient(settings.address, settings.credentials, settings.options);
  const lifecycle = (name: string, args: { serializeBinary(): Uint8Array }): Promise<Uint8Array> =>
    processProposal(
      endorser,
      { channelId: '', chaincode: '_lifecycle', args: [name, args.serializeBinary()] },
      admin,
    );
  return {
    async listChannels() {
      const payload = await processProposal(
        endorser,
        { channelId: '', chaincode: 'cscc', args: ['GetChannels'] },
        admin,
      );
      return peer.ChannelQueryResponse.deserializeBinary(payload)
        .getChannelsList()
        .map((info) => info.getChannelId());
    },
    async joinChannel(genesisBlock, channelId) {
      if ((await this.listChannels()).includes(channelId)) {
        return 'already-joined';
      }
      // The peer CLI sends JoinChain as a CONFIG proposal with no channel; the peer replays the chain from block 0.
      await processProposal(
        endorser,
        {
          channelId: '',
          chaincode: 'cscc',
          args: ['JoinChain', genesisBlock],
          headerType: common.HeaderType.CONFIG,
        },
        admin,
      );
      return 'joined';
    },
    async listInstalledChaincodes() {
      const payload = await lifecycle(
        'QueryInstalledChaincodes',
        new lifecycleProtos.QueryInstalledChaincodesArgs(),
      );
      return lifecycleProtos.QueryInstalledChaincodesResult.deserializeBinary(payload)
        .getInstalledChaincodesList()
        .map((installed) => installed.getPackageId());
    },
    async installChaincode(pkg) {
      if ((await this.listInstalledChaincodes()).includes(pkg.packageId)) {
        return 'already-installed';
      }
      const args = new lifecycleProtos.InstallChaincodeArgs();
      args.setChaincodeInstallPackage(pkg.bytes);
      const result = lifecycleProtos.InstallChaincodeResult.deserializeBinary(
        await lifecycle('InstallChaincode', args),
      );
      if (result.getPackageId() !== pkg.packageId) {
        throw new Error(`peer computed package ID ${result.getPackageId()}, expected ${pkg.packageId}`);
      }
      return 'installed';
    },
    close() {
      endorser.close();
    },
  };
}
