import {
  connectGateway,
  fabricErrorText,
  MUTUAL_TLS_CONNECTION,
  newChaincodeLifecycle,
  newPeerAdmin,
  packageChaincodeAsService,
  type ChaincodeDefinition,
  type ChaincodeLifecycle,
  type ChaincodePackage,
  type GatewayConnection,
} from '@emr/network';
import { lifecycleMajority, planApproval } from '../chaincode-sequence';
import { blocked, done, required, waiting, type Step, type StepContext, type StepResult } from './types';

/** The chaincode-as-a-service package of the spec's chaincode; the same bytes (and package ID) for every org. */
export function chaincodePackage(context: Pick<StepContext, 'provider'>): ChaincodePackage {
  const { name, version } = context.provider.spec.chaincode;
  return packageChaincodeAsService(`${name}_${version}`, MUTUAL_TLS_CONNECTION);
}

function firstPeer(
  peers: readonly import('../../runtime/types').PeerEndpoint[],
): import('../../runtime/types').PeerEndpoint {
  const [peer] = peers;
  if (!peer) throw new Error('the provider has no peer');
  return peer;
}

/**
 * ChaincodeApproved: the package is installed on every peer, the chaincode server runs it, and the org approved
 * the definition: the committed sequence when the spec's version is committed (a provider joining later), the next
 * one for a newer version (an upgrade), 1 when nothing is committed. A spec naming an older version than the
 * committed one stops here with VersionBehindChannel rather than proposing a downgrade.
 *
 * An upgrade switches this org's chaincode server to the new package before the new definition is committed: from
 * then until the commit this org's peers cannot run the chaincode (the server registers with the new package ID,
 * the peer launches the committed one's), and the other orgs endorse (AnyEndorsement) — see the README.
 */
export const chaincodeApproved: Step = {
  condition: 'ChaincodeApproved',
  phase: 'DeployingChaincode',
  async run(context) {
    const { runtime, memo, provider, org, status } = context;
    const admin = required(memo.admin, 'the admin identity');
    const network = required(memo.network, 'the network');
    const { name, version } = provider.spec.chaincode;
    const peers = await runtime.endpoints.peers();
    using connection = connectGateway(firstPeer(peers), admin);
    const lifecycle = newChaincodeLifecycle(connection.gateway, network.channel);
    const committed = await lifecycle.queryCommitted(name);
    const plan = planApproval(committed, version);
    if (plan.kind === 'behind') {
      return blocked(
        'VersionBehindChannel',
        `channel ${network.channel} has ${name} ${plan.committed.version} committed (sequence ` +
          `${plan.committed.sequence}); spec.chaincode.version ${version} is older and the operator does not ` +
          `downgrade: set spec.chaincode.version to ${plan.committed.version} (to roll back, publish the old ` +
          'image under a newer version)',
        60_000,
      );
    }
    const pkg = chaincodePackage(context);
    for (const peer of peers) {
      const peerAdmin = newPeerAdmin(peer, admin);
      try {
        await peerAdmin.installChaincode(pkg);
      } finally {
        peerAdmin.close();
      }
    }
    const server = await runtime.workloads.ensureChaincodeServer(pkg.packageId);
    if (!server.ready) return waiting('ChaincodeServerStarting', server.message, 5_000);
    const definition: ChaincodeDefinition = {
      name,
      version,
      sequence: plan.sequence,
      packageId: pkg.packageId,
      endorsementPolicyReference: network.endorsementPolicyReference,
    };
    await lifecycle.approveForMyOrg(definition);
    status.chaincode = {
      name,
      version,
      sequence: definition.sequence,
      packageId: pkg.packageId,
      summary: `${name}:${definition.sequence}`,
    };
    return done(
      'Approved',
      `${org.mspId} approved ${name} ${version} (sequence ${definition.sequence}, package ${pkg.packageId}) ` +
        `on ${peers.length} peer${peers.length === 1 ? '' : 's'}`,
    );
  },
};

/**
 * Commits a definition newer than the committed one once a majority of the channel's orgs approved it; what it
 * waits for otherwise. A definition committed already needs nothing.
 */
async function commitWhenApproved(
  lifecycle: ChaincodeLifecycle,
  definition: ChaincodeDefinition,
): Promise<StepResult | undefined> {
  const committed = await lifecycle.queryCommitted(definition.name);
  if (committed && committed.sequence >= definition.sequence) return undefined;
  const readiness = await lifecycle.commitReadiness(definition);
  const orgs = Object.keys(readiness);
  const approvers = orgs.filter((mspId) => readiness[mspId]);
  const needed = lifecycleMajority(orgs.length);
  if (approvers.length < needed) {
    return waiting(
      'AwaitingApprovals',
      `${definition.name} ${definition.version} (sequence ${definition.sequence}) approved by ${approvers.length} ` +
        `of the ${needed} orgs needed (${approvers.join(', ') || 'none'}); waiting for ` +
        orgs.filter((mspId) => !readiness[mspId]).join(', ') +
        ` (spec.chaincode.version ${definition.version} on their MedicalProviders)`,
      15_000,
    );
  }
  await lifecycle.commit(definition);
  return undefined;
}

/**
 * ChaincodeCommitted: the definition this org approved is the committed one. For a new version the definition is
 * committed once a majority of the channel's orgs approved it (whichever provider's reconcile sees that first
 * commits); until then the condition says who has approved.
 */
export const chaincodeCommitted: Step = {
  condition: 'ChaincodeCommitted',
  phase: 'DeployingChaincode',
  async run(context) {
    const { runtime, memo, org } = context;
    const admin = required(memo.admin, 'the admin identity');
    const network = required(memo.network, 'the network');
    const approved = required(context.status.chaincode, 'the approved definition');
    const { name, version, sequence, packageId } = approved;
    using connection = connectGateway(firstPeer(await runtime.endpoints.peers()), admin);
    const lifecycle = newChaincodeLifecycle(connection.gateway, network.channel);
    const definition = {
      name,
      version,
      sequence,
      packageId,
      endorsementPolicyReference: network.endorsementPolicyReference,
    };
    const pending = await commitWhenApproved(lifecycle, definition);
    if (pending) return pending;
    const committed = await lifecycle.queryCommitted(name);
    if (!committed || committed.sequence !== sequence || committed.version !== version) {
      return waiting(
        'Superseded',
        `${name} sequence ${committed?.sequence ?? '-'} (${committed?.version ?? '-'}) is committed, this org ` +
          `approved sequence ${sequence} (${version}): update spec.chaincode.version`,
        15_000,
      );
    }
    if (committed.approvals[org.mspId] !== true) {
      return waiting(
        'ApprovalMismatch',
        `${org.mspId}'s approval of ${name} sequence ${sequence} differs from the committed definition ` +
          '(endorsement policy of the EmrNetwork?)',
        30_000,
      );
    }
    const silent = await ownPeerRunsChaincode(connection.gateway, network.channel, name);
    if (silent !== undefined) {
      return waiting(
        'ChaincodeNotAnswering',
        `${name} ${version} (sequence ${sequence}) is committed, but ${org.mspId}'s peer cannot run it yet: ${silent}`,
        2_000,
      );
    }
    const approvers = Object.keys(committed.approvals).filter((mspId) => committed.approvals[mspId]);
    return done(
      'Committed',
      `${name} ${version} (sequence ${sequence}) is committed on channel ${network.channel}; approved by ${approvers.join(', ')}`,
    );
  },
};

/** A function no EMR contract has: the chaincode itself answers NOT_FOUND (EmrContract.unknownTransaction). */
const LIVENESS_PROBE = 'Provider:OperatorLivenessProbe';

/**
 * Whether the org's peer runs the committed chaincode, asked through the org's own gateway peer. The probe is an
 * unknown function: the chaincode's own "no transaction" answer proves the peer reached the server (the contract
 * API's GetMetadata fails in fabric-contract-api 2.5.8, and every EMR transaction needs a role). After a new
 * package (an upgrade) the peer connects to the chaincode server on first use; doing that here keeps the first
 * user request after Ready from meeting it. Undefined when it answers, else why not.
 */
async function ownPeerRunsChaincode(
  gateway: GatewayConnection['gateway'],
  channel: string,
  chaincode: string,
): Promise<string | undefined> {
  try {
    await gateway.getNetwork(channel).getContract(chaincode).evaluateTransaction(LIVENESS_PROBE);
    return undefined;
  } catch (error) {
    const text = fabricErrorText(error);
    return text.includes(`no transaction ${LIVENESS_PROBE}`) ? undefined : text;
  }
}
