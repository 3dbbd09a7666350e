/**
 * The channel step of the bootstrap network (issue 7; a Job, see ./cli.ts): after the
 * registrar step and once every pod of the chart is Ready, enroll the org admins, build the genesis block with the
 * orderers' TLS certificates as the workloads enrolled them (read from their TLS handshakes, verified against the
 * ordering org's CA), join the orderers (channel participation API) and the peers, install the chaincode-as-a-
 * service package the chart's chaincode servers run, approve, commit, and initialize both providers.
 *
 * Open design point: an orderer pod enrolls again when it is recreated, with a new key; Raft knows consenters by
 * their TLS certificate's public key, so a recreated orderer would no longer be a consenter. The orderers' TLS key
 * has to survive on their volume (or the consenter set be updated) before this is production-worthy.
 */
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import {
  configtx,
  connectGateway,
  defaultNetworkModel,
  enrollIdentity,
  enrollRegistrar,
  initializeEmrProvider,
  joinOrdererToChannel,
  MUTUAL_TLS_CONNECTION,
  newCaClient,
  newChaincodeLifecycle,
  newPeerAdmin,
  packageChaincodeAsService,
  withRetry,
  type Identity,
  type OrgEnrollment,
} from '@emr/network';
import type { KubeClient } from '../kube/client';
import { newKubeSecretStore } from '../kube/secret-store';
import { fetchCaRoot, type BootstrapOrg } from './registrar';

export interface ChannelStepOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly orgs: readonly BootstrapOrg[];
  readonly clusterDomain?: string;
  readonly log?: (line: string) => void;
}

interface Admin {
  readonly signing: Identity;
  readonly tls: Identity;
  readonly root: string;
}

/** The server certificate an endpoint presents, verified against `root`. */
function presentedCertificate(host: string, port: number, root: string, client: Identity): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      servername: host,
      ca: root,
      cert: client.certificate,
      key: client.privateKey,
      ALPNProtocols: ['h2'],
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`${host}:${port}: timeout`)));
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw).toString());
    });
    socket.once('error', reject);
  });
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

export async function runChannelStep(options: ChannelStepOptions): Promise<void> {
  const { client, namespace, orgs } = options;
  const domain = options.clusterDomain ?? 'cluster.local';
  const log = options.log ?? (() => undefined);
  const model = defaultNetworkModel(orgs.length - 1);
  const secrets = newKubeSecretStore(client, { namespace });
  const svc = (name: string): string => `${name}.${namespace}.svc.${domain}`;

  const admins = await enrollAdmins(orgs, secrets, svc);
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
  const consenters = [];
  for (const orderer of orderers) {
    const certificate = await presentedCertificate(orderer.host, 7050, ordererAdmin.root, ordererAdmin.tls);
    consenters.push({
      host: orderer.host,
      port: 7050,
      clientTlsCertificate: certificate,
      serverTlsCertificate: certificate,
    });
  }
  const genesis = configtx.createGenesisBlock({
    channelId: model.channelId,
    ordererOrganizations: [
      {
        mspId: ordererOrg.mspId,
        rootCertificates: [ordererAdmin.root],
        tlsRootCertificates: [ordererAdmin.root],
        nodeOUs: true,
        ordererEndpoints: orderers.map((o) => `${o.host}:7050`),
      },
    ],
    consenters,
    applicationOrganizations: providers.map((org) => ({
      mspId: org.mspId,
      rootCertificates: [admin(org.name).root],
      tlsRootCertificates: [admin(org.name).root],
      nodeOUs: true,
      anchorPeers: org.peers.map((p) => ({ host: svc(p.name), port: 7051 })),
    })),
  });
  for (const orderer of orderers) {
    const result = await joinOrdererToChannel(
      {
        adminUrl: `https://${orderer.host}:7053`,
        tlsCaCertificate: ordererAdmin.root,
        clientIdentity: ordererAdmin.tls,
      },
      model.channelId,
      genesis,
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
        log(`${peer.name}: ${await withRetry(() => peerAdmin.joinChannel(genesis, model.channelId), retry)}`);
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
