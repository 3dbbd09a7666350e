/** Channel configuration: genesis blocks, organization groups, config updates and their signatures. */
export {
  channelGroup,
  CHANNEL_CAPABILITIES,
  DEFAULT_BATCH,
  type BatchOptions,
  type ChannelDefinition,
  type RaftConsenter,
} from './channel-group';
export { lastConfigIndex, readConfigFromBlock } from './config-block';
export { ConfigKeys } from './config-group';
export { createConfigUpdateEnvelope, signConfigUpdate } from './config-update-envelope';
export { addOrganization, copyConfig, setAnchorPeers } from './edit';
export { ConfigTxError, type ConfigTxErrorCode } from './errors';
export { blockDataHash, createGenesisBlock } from './genesis-block';
export {
  mspConfig,
  organizationGroup,
  type AnchorPeer,
  type OrganizationDefinition,
  type OrganizationKind,
} from './organization';
export { anyRoleOf, implicitMeta, type ImplicitMetaRule, type MspRoleName } from './policies';
export { computeConfigUpdate } from './update';
