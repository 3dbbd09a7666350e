import { common } from '@hyperledger/fabric-protos';

import { childGroup, ConfigKeys, putValue } from './config-group';
import { ConfigTxError } from './errors';
import {
  anchorPeersValue,
  organizationGroup,
  type AnchorPeer,
  type OrganizationDefinition,
} from './organization';

/**
 * A copy of `config` with `def` added as an application organization (Application.groups[mspId]). The original is
 * left untouched so both can go to {@link computeConfigUpdate}.
 * @throws ConfigTxError ORGANIZATION_EXISTS if the channel already has that organization.
 */
export function addOrganization(config: common.Config, def: OrganizationDefinition): common.Config {
  const updated = copyConfig(config);
  const application = applicationGroupOf(updated);
  if (application.getGroupsMap().has(def.mspId)) {
    throw new ConfigTxError('ORGANIZATION_EXISTS', `${def.mspId} is already an application organization`, {
      mspId: def.mspId,
    });
  }
  application.getGroupsMap().set(def.mspId, organizationGroup(def, 'application'));
  return updated;
}

/**
 * A copy of `config` in which application organization `mspId` announces `anchorPeers` (none removes the value).
 * Only that organization's Admins need to sign the resulting update.
 * @throws ConfigTxError ORGANIZATION_NOT_FOUND if the channel has no such application organization.
 */
export function setAnchorPeers(
  config: common.Config,
  mspId: string,
  anchorPeers: readonly AnchorPeer[],
): common.Config {
  const updated = copyConfig(config);
  const organization = childGroup(applicationGroupOf(updated), mspId);
  if (!organization) {
    throw new ConfigTxError('ORGANIZATION_NOT_FOUND', `${mspId} is not an application organization`, {
      mspId,
    });
  }
  const values = organization.getValuesMap();
  const existing = values.get(ConfigKeys.anchorPeers);
  if (anchorPeers.length === 0) {
    values.del(ConfigKeys.anchorPeers);
  } else if (existing) {
    // Keep version and mod_policy: the update computation bumps the version when the bytes differ.
    existing.setValue(anchorPeersValue(anchorPeers).serializeBinary());
  } else {
    putValue(organization, ConfigKeys.anchorPeers, anchorPeersValue(anchorPeers));
  }
  return updated;
}

/** A deep copy, through the wire format so nothing is shared with the original. */
export function copyConfig(config: common.Config): common.Config {
  return common.Config.deserializeBinary(config.serializeBinary());
}

function applicationGroupOf(config: common.Config): common.ConfigGroup {
  const application = childGroup(
    config.getChannelGroup() ?? new common.ConfigGroup(),
    ConfigKeys.applicationGroup,
  );
  if (!application) throw new ConfigTxError('MALFORMED_CONFIG', 'the configuration has no Application group');
  return application;
}
