import { addProviderToChannel, OrdererError, type configtx, type Identity } from '@emr/network';
import { findCondition } from '../../api/conditions';
import { APPROVE_ANNOTATION } from '../../api/medical-provider';
import { readChannelMembership, type ChannelMembership } from '../channel-config';
import { decideConsent, tallyVotes, type MemberVote, type Tally } from '../consent';
import type { Member } from '../../runtime/types';
import { blocked, done, required, waiting, type Step, type StepContext, type StepResult } from './types';

const APPROVAL_POLL_MS = 15_000;

/**
 * ChannelMembershipApproved: enough members consent to admit the provider, each by its own consent policy, to
 * satisfy the channel's admin policy (k of n signatures). Nothing is signed here; the signers are handed to
 * ChannelUpdated in the same reconcile. A provider that is a member already is approved.
 */
export const membershipApproved: Step = {
  condition: 'ChannelMembershipApproved',
  phase: 'AwaitingApproval',
  async run(context) {
    const { provider, org, memo, status } = context;
    const network = await context.network.resolve(provider);
    if ('unavailable' in network) return waiting('NetworkUnavailable', network.unavailable, 15_000);
    if (network.channelCreated === false) {
      return waiting(
        'ChannelNotCreated',
        `channel ${network.channel} does not exist yet: EmrNetwork ${provider.spec.network.namespace}/` +
          `${provider.spec.network.name} creates it once its orderers run and its founding members have their CA ` +
          'and admin enrolled (kubectl describe emrnetwork says which)',
        10_000,
      );
    }
    memo.network = network;
    const admin = required(memo.admin, 'the admin identity');
    const orderer = await context.runtime.endpoints.orderer();
    let membership: ChannelMembership;
    try {
      membership = await readChannelMembership(
        orderer,
        network.channel,
        await channelReader(context, admin, network.channel),
      );
    } catch (error) {
      if (error instanceof OrdererError && error.code === 'DELIVER_REJECTED') {
        return waiting(
          'ChannelUnreadable',
          `cannot read the config of channel ${network.channel} (${error.message}): no admin of a member is at hand yet`,
          15_000,
        );
      }
      throw error;
    }
    if (membership.members.includes(org.mspId)) {
      // Admitted: the approval that admitted it (SignaturesCollected) stays as it was reported.
      const before = findCondition(context.previous?.conditions, 'ChannelMembershipApproved');
      if (before?.status === 'True') return done(before.reason, before.message);
      return done('Member', `${org.mspId} is a member of channel ${network.channel}`);
    }
    const votes = await collectVotes(context, membership);
    const tally = tallyVotes(
      votes.map((v) => v.vote),
      membership.adminsRule ?? 'MAJORITY',
    );
    status.signatures = `${tally.signers.length}/${tally.required}`;
    status.signedBy = tally.signers;
    memo.tally = {
      ...tally,
      signerMembers: votes.filter((v) => tally.signers.includes(v.vote.mspId)).flatMap((v) => v.member ?? []),
    };
    return describeTally(tally, network.channel, org.mspId, provider.metadata.name);
  },
};

/**
 * Who reads the channel config: the provider itself once it is a member, else the admin of a member at hand (a
 * provider that is not a member may not read the channel), else the provider itself (it may be a member already).
 */
async function channelReader(context: StepContext, admin: Identity, channel: string): Promise<Identity> {
  if (context.previous?.channel === channel) return admin;
  for (const member of await context.members.list()) {
    if (member.mspId === context.org.mspId) continue;
    const identity = await member.admin();
    if (!('unavailable' in identity)) return identity;
  }
  return admin;
}

async function collectVotes(
  context: StepContext,
  membership: ChannelMembership,
): Promise<{ vote: MemberVote; member?: Member }[]> {
  const candidate = context.org.mspId;
  return Promise.all(
    membership.members.map(async (mspId) => {
      const member = await context.members.member(mspId);
      if (!member) {
        return {
          vote: {
            mspId,
            decision: 'pending' as const,
            canSign: false,
            unavailableReason: `${mspId} is not managed by this operator: its admin must sign out of band`,
          },
        };
      }
      const decision = decideConsent(member.consent, member.approvals, candidate);
      const admin = decision === 'consents' ? await member.admin() : undefined;
      const unavailable = admin && 'unavailable' in admin ? admin.unavailable : undefined;
      return {
        vote: {
          mspId,
          decision,
          canSign: admin !== undefined && unavailable === undefined,
          ...(unavailable === undefined ? {} : { unavailableReason: unavailable }),
        },
        member,
      };
    }),
  );
}

function describeTally(tally: Tally, channel: string, candidate: string, name: string): StepResult {
  const signed = tally.signers.length > 0 ? `signed by ${tally.signers.join(', ')}` : 'no signatures yet';
  const count = `${tally.signers.length} of ${tally.required} required signatures (${tally.members} members)`;
  if (tally.outcome === 'approved') {
    return done('SignaturesCollected', `${count}: ${signed}; admitting ${candidate} to channel ${channel}`);
  }
  if (tally.outcome === 'refused') {
    return blocked(
      'ConsentRefused',
      `${count}: ${tally.refused.join(', ')} refuse${tally.refused.length === 1 ? 's' : ''} to admit ${candidate} ` +
        `by ${tally.refused.length === 1 ? 'its' : 'their'} consent policy; the channel's admin policy cannot be ` +
        'met: change a consent policy (spec.consentPolicy of the members) or delete this MedicalProvider',
      60_000,
    );
  }
  const waitingFor = tally.waitingFor.map((vote) =>
    vote.decision === 'pending' && vote.unavailableReason === undefined
      ? `${vote.mspId} (consent mode Manual: approve with \`kubectl annotate medicalprovider -n <its namespace> ` +
        `<its name> ${APPROVE_ANNOTATION}=${candidate}\`)`
      : `${vote.mspId} (${vote.unavailableReason ?? 'pending'})`,
  );
  return waiting(
    'AwaitingApproval',
    `${count}: ${signed}; waiting for ${waitingFor.join('; ')} to admit ${candidate} (${name})`,
    APPROVAL_POLL_MS,
  );
}

/**
 * ChannelUpdated: the provider's organization is in the channel config. Submits the config update (computed by the
 * admin library from the latest config block) signed by the consenting members' admins, and records an audit
 * Event on every signer. Already a member: nothing to do.
 */
export const channelUpdated: Step = {
  condition: 'ChannelUpdated',
  phase: 'JoiningChannel',
  async run(context) {
    const { memo, org, status } = context;
    const network = required(memo.network, 'the network');
    const tally = memo.tally;
    if (!tally) {
      status.channel = network.channel;
      return done('Member', `${org.mspId} is in the config of channel ${network.channel}`);
    }
    const signers = await Promise.all(tally.signerMembers.map((member) => member.admin()));
    const identities = signers.filter((s): s is Identity => !('unavailable' in s));
    const result = await addProviderToChannel({
      orderer: await context.runtime.endpoints.orderer(),
      channelId: network.channel,
      organization: await organizationDefinition(context),
      signers: identities,
    });
    if (result === 'added') {
      for (const member of tally.signerMembers) {
        await context.audit(
          member,
          'SignedChannelUpdate',
          `${member.mspId} signed the update of channel ${network.channel} admitting ${org.mspId} ` +
            `(consent mode ${member.consent.mode})`,
        );
      }
    }
    context.logger.info('channel update submitted', {
      channel: network.channel,
      result,
      signedBy: tally.signers,
    });
    status.channel = network.channel;
    return done('Member', `${org.mspId} is in the config of channel ${network.channel}`);
  },
};

async function organizationDefinition(context: StepContext): Promise<configtx.OrganizationDefinition> {
  const caCertificate = required(context.memo.caCertificate, 'the CA certificate');
  const peers = await context.runtime.endpoints.peers();
  return {
    mspId: context.org.mspId,
    rootCertificates: [caCertificate],
    tlsRootCertificates: [caCertificate],
    nodeOUs: true,
    anchorPeers: peers.map((peer) => peer.anchor),
  };
}
