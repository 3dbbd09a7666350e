/**
 * The channel step of the bootstrap network (issue 7; a Job, see ./cli.ts): after the
 * registrar step and once every pod of the chart is Ready, enroll the org admins, build the genesis block with the
 * orderers' TLS certificates as the workloads enrolled them (read from their TLS handshakes, verified against the
 * ordering org's CA), join the orderers (channel participation API) and the peers, install the chaincode-as-a-
 * service package the chart's chaincode servers run, approve, commit, and initialize both providers.
 *
 * It may start before the network is up (a post-install hook of the chart without `--wait`): every call waits
 * for the CA, orderer or peer it needs to answer. The consenters' TLS certificates stay valid across pod
 * restarts because the workloads keep their enrolled credentials on their volumes (cdk8s/src/enroll).
 */
import {
  configtx,
  connectGateway,
  defaultNetworkModel,
  enrollIdentity,
  enrollRegistrar,
  getOrdererChannel,
  initializeEmrProvider,
  joinOrdererToChannel,
  MUTUAL_TLS_CONNECTION,
  newCaClient,
  newChaincodeLifecycle,
  newPeerAdmin,
  packageChaincodeAsService,
  withRetry,
  type Identity,
  type OrdererChannelInfo,
  type OrgEnrollment,
  type RetryOptions,
} from '@emr/network';
import { presentedCertificate } from '../fabric/presented-certificate';
import type { KubeClient } from '../kube/client';
import { mergePatch } from '../kube/resources';
import { newKubeSecretStore } from '../kube/secret-store';
import { CONFIG_MAPS, resourcePath, type KubeObject, type OwnerReference } from '../kube/types';
import { genesisDefinition } from '../network/founders';
import { GENESIS_KEY } from '../network/names';
import { bootstrapSecretStore } from './owner';
import { fetchCaRoot, type BootstrapOrg } from './registrar';

export interface ChannelStepOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly orgs: readonly BootstrapOrg[];
  readonly clusterDomain?: string;
  /** Owner of every object created (./owner.ts): the release's anchor. @default - none */
  readonly owner?: OwnerReference;
  readonly log?: (line: string) => void;
}

/** Waits up to 10 minutes for a CA, orderer or peer that does not answer yet, saying why on each retry. */
function untilItAnswers(what: string, log: (line: string) => void): RetryOptions {
  return {
    attempts: 120,
    delayMs: 5000,
    retryable: (error) => {
      log(`${what}: ${error instanceof Error ? error.message : String(error)}; retrying in 5 s`);
      return true;
    },
  };
}

interface Admin {
  readonly signing: Identity;
  readonly tls: Identity;
  readonly root: string;
}

async function enrollAdmins(
  orgs: readonly BootstrapOrg[],
  secrets: ReturnType<typeof newKubeSecretStore>,
  svc: (name: string) => string,
): Promise<Map<string, Admin>> {
  const admins = new Map<string, Admin>();
  for (const org of orgs) {
    const url = `https://${svc(org.caName)}:7054`;
    const root = await fetchCaRoot(url, org.caName);
    const enrollment: OrgEnrollment = {
      ca: newCaClient({ url, tlsCaCertificate: root, caName: org.caName }),
      org: { name: org.name, mspId: org.mspId },
      secrets,
      registrar: { enrollmentId: 'registrar', secretName: `${org.caName}-registrar`, secretKey: 'secret' },
    };
    const registrar = await enrollRegistrar(enrollment);
    const request = { enrollmentId: `${org.name}-admin`, type: 'admin' as const };
    const signing = await enrollIdentity(enrollment, registrar, request);
    const tls = await enrollIdentity(enrollment, registrar, request, { hosts: [] });
    admins.set(org.name, { signing, tls, root });
  }
  return admins;
}

/** The in-cluster DNS name of a Service of the namespace. */
function serviceHost(options: ChannelStepOptions): (name: string) => string {
  const domain = options.clusterDomain ?? 'cluster.local';
  return (name) => `${name}.${options.namespace}.svc.${domain}`;
}

/**
 * The genesis block kept on the release's anchor ConfigMap, else a new one, stored there before any orderer joins:
 * a retried step then joins every orderer and peer to the same block. Without an anchor (the step run by hand) a
 * new block is made each time.
 */
async function storedOrNewGenesis(
  options: ChannelStepOptions,
  create: () => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const { client, namespace, owner } = options;
  const log = options.log ?? (() => undefined);
  if (!owner) return create();
  const location = { namespace, name: owner.name };
  const anchor = await client.get<KubeObject & { binaryData?: Record<string, string> }>(
    resourcePath(CONFIG_MAPS, location),
  );
  const stored = anchor?.binaryData?.[GENESIS_KEY];
  if (stored !== undefined) {
    log(`genesis block: the one stored on ConfigMap ${owner.name}`);
    return Buffer.from(stored, 'base64');
  }
  const block = await create();
  await mergePatch(client, CONFIG_MAPS, location, {
    binaryData: { [GENESIS_KEY]: Buffer.from(block).toString('base64') },
  });
  log(`genesis block: new, stored on ConfigMap ${owner.name}`);
  return block;
}

export async function runChannelStep(options: ChannelStepOptions): Promise<void> {
  const { client, namespace, orgs } = options;
  const log = options.log ?? (() => undefined);
  const model = defaultNetworkModel(orgs.length - 1);
  const secrets = bootstrapSecretStore(client, namespace, options.owner);
  const svc = serviceHost(options);

  const admins = await withRetry(
    () => enrollAdmins(orgs, secrets, svc),
    untilItAnswers('admin enrollment', log),
  );
  const admin = (name: string): Admin => {
    const found = admins.get(name);
    if (!found) throw new Error(`no admin for ${name}`);
    return found;
  };

  const ordererOrg = orgs[0];
  if (!ordererOrg || ordererOrg.name !== 'orderer') throw new Error('the first org must be the ordering org');
  const providers = orgs.slice(1);
  const ordererAdmin = admin(ordererOrg.name);
  const orderers = ordererOrg.nodes.map((node) => ({ name: node.id, host: `${node.id}.${svc('orderer')}` }));
  const genesis = await storedOrNewGenesis(options, async () => {
    const consenters = [];
    for (const orderer of orderers) {
      const certificate = await withRetry(
        () => presentedCertificate(orderer.host, 7050, ordererAdmin.root, ordererAdmin.tls),
        untilItAnswers(`${orderer.name} TLS certificate`, log),
      );
      consenters.push({ host: orderer.host, port: 7050, certificate });
    }
    return configtx.createGenesisBlock(
      genesisDefinition({
        channel: model.channelId,
        ordererMspId: ordererOrg.mspId,
        ordererRoot: ordererAdmin.root,
        consenters,
        founders: providers.map((org) => ({
          mspId: org.mspId,
          root: admin(org.name).root,
          anchorPeers: org.peers.map((p) => ({ host: svc(p.name), port: 7051 })),
        })),
      }),
    );
  });
  for (const orderer of orderers) {
    const result = await withRetry(
      () =>
        joinOrdererToChannel(
          {
            adminUrl: `https://${orderer.host}:7053`,
            tlsCaCertificate: ordererAdmin.root,
            clientIdentity: ordererAdmin.tls,
          },
          model.channelId,
          genesis,
        ),
      untilItAnswers(`${orderer.name} join`, log),
    );
    log(`${orderer.name}: ${result.outcome}`);
  }

  const pkg = packageChaincodeAsService(
    `${model.chaincode.name}_${model.chaincode.version}`,
    MUTUAL_TLS_CONNECTION,
  );
  const definition = { ...model.chaincode, packageId: pkg.packageId };
  const retry = { attempts: 60, delayMs: 1000 };
  for (const org of providers) {
    const { signing, root } = admin(org.name);
    for (const peer of org.peers) {
      const endpoint = { address: `${svc(peer.name)}:7051`, tlsCaCertificate: root };
      const peerAdmin = newPeerAdmin(endpoint, signing);
      try {
        log(
          `${peer.name}: ${await withRetry(() => peerAdmin.joinChannel(genesis, model.channelId), untilItAnswers(`${peer.name} join`, log))}`,
        );
        log(`${peer.name}: ${await withRetry(() => peerAdmin.installChaincode(pkg), retry)}`);
      } finally {
        peerAdmin.close();
      }
    }
  }
  const endpointOf = (org: BootstrapOrg): { address: string; tlsCaCertificate: string } => ({
    address: `${svc(org.peers[0]?.name ?? '')}:7051`,
    tlsCaCertificate: admin(org.name).root,
  });
  for (const org of providers) {
    using connection = connectGateway(endpointOf(org), admin(org.name).signing);
    const lifecycle = newChaincodeLifecycle(connection.gateway, model.channelId);
    log(`${org.mspId} approve: ${await withRetry(() => lifecycle.approveForMyOrg(definition), retry)}`);
  }
  const committer = providers[0];
  if (!committer) throw new Error('no provider');
  {
    using connection = connectGateway(endpointOf(committer), admin(committer.name).signing);
    const lifecycle = newChaincodeLifecycle(connection.gateway, model.channelId);
    log(`commit: ${await withRetry(() => lifecycle.commit(definition), retry)}`);
  }
  for (const org of providers) {
    using connection = connectGateway(endpointOf(org), admin(org.name).signing);
    const result = await withRetry(
      () => initializeEmrProvider(connection.gateway, model.channelId, model.chaincode.name),
      retry,
    );
    log(`${org.mspId} initialized: ${result}`);
  }
}

export interface OrdererChannelState extends Pick<
  OrdererChannelInfo,
  'status' | 'consensusRelation' | 'height'
> {
  readonly orderer: string;
}

/**
 * Each orderer's state in the channel, through its channel participation API with an ordering-org admin: what
 * `helm test` checks (every orderer an active consenter — a recreated orderer that came back with a new TLS
 * certificate would be a follower or fail).
 */
export async function ordererChannelStates(options: ChannelStepOptions): Promise<OrdererChannelState[]> {
  const { client, namespace, orgs } = options;
  const svc = serviceHost(options);
  const ordererOrg = orgs[0];
  if (!ordererOrg || ordererOrg.name !== 'orderer') throw new Error('the first org must be the ordering org');
  const secrets = bootstrapSecretStore(client, namespace, options.owner);
  const admin = (await enrollAdmins([ordererOrg], secrets, svc)).get(ordererOrg.name);
  if (!admin) throw new Error('no ordering-org admin');
  const channelId = defaultNetworkModel(orgs.length - 1).channelId;
  const states: OrdererChannelState[] = [];
  for (const node of ordererOrg.nodes) {
    // Retried: a recreated orderer's DNS record may still name its old address for a few seconds.
    const info = await withRetry(
      () =>
        getOrdererChannel(
          {
            adminUrl: `https://${node.id}.${svc('orderer')}:7053`,
            tlsCaCertificate: admin.root,
            clientIdentity: admin.tls,
          },
          channelId,
        ),
      { attempts: 12, delayMs: 5000, retryable: () => true },
    );
    states.push({
      orderer: node.id,
      status: info?.status ?? 'absent',
      consensusRelation: info?.consensusRelation ?? 'none',
      height: info?.height ?? 0,
    });
  }
  return states;
}
