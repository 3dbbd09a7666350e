import type { GrpcEndpoint } from '../admin/grpc';
import { createConfigUpdateEnvelope, signConfigUpdate } from '../admin/configtx/config-update-envelope';
import { addOrganization } from '../admin/configtx/edit';
import type { OrganizationDefinition } from '../admin/configtx/organization';
import { computeConfigUpdate } from '../admin/configtx/update';
import { childGroup } from '../admin/configtx/config-group';
import { broadcastEnvelope, fetchConfigBlock } from '../admin/orderer';
import { readConfigFromBlock } from '../admin/configtx/config-block';
import type { Identity } from '../identity/identity';

export interface ChannelMembershipRequest {
  readonly orderer: GrpcEndpoint;
  readonly channelId: string;
  readonly organization: OrganizationDefinition;
  /**
   * Admins of the current member orgs: together they must satisfy /Channel/Application/Admins (MAJORITY). All sign
   * the same ConfigUpdate bytes; the first also signs the envelope (it must satisfy /Channel/Writers).
   */
  readonly signers: readonly Identity[];
}

/** Adds an org to the channel's Application group; 'already-member' when the current config has it. */
export async function addProviderToChannel(
  request: ChannelMembershipRequest,
): Promise<'added' | 'already-member'> {
  const [submitter] = request.signers;
  if (!submitter) {
    throw new Error('adding an organization needs at least one admin signature');
  }
  const block = await fetchConfigBlock(request.orderer, request.channelId, submitter);
  const current = readConfigFromBlock(block);
  const channelGroup = current.getChannelGroup();
  const application = channelGroup && childGroup(channelGroup, 'Application');
  if (application && childGroup(application, request.organization.mspId)) {
    return 'already-member';
  }
  const update = computeConfigUpdate(
    request.channelId,
    current,
    addOrganization(current, request.organization),
  );
  const signatures = await Promise.all(request.signers.map((admin) => signConfigUpdate(update, admin)));
  const envelope = await createConfigUpdateEnvelope(request.channelId, update, signatures, submitter);
  await broadcastEnvelope(request.orderer, envelope);
  return 'added';
}
