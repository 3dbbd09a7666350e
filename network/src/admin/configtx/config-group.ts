import { common } from '@hyperledger/fabric-protos';
import type { Map as ProtoMap } from 'google-protobuf';

/** Names Fabric gives to configuration groups, values and policies (common/channelconfig). */
export const ConfigKeys = {
  ordererGroup: 'Orderer',
  applicationGroup: 'Application',
  admins: 'Admins',
  readers: 'Readers',
  writers: 'Writers',
  endorsement: 'Endorsement',
  lifecycleEndorsement: 'LifecycleEndorsement',
  anyEndorsement: 'AnyEndorsement',
  blockValidation: 'BlockValidation',
  msp: 'MSP',
  anchorPeers: 'AnchorPeers',
  endpoints: 'Endpoints',
  capabilities: 'Capabilities',
  hashingAlgorithm: 'HashingAlgorithm',
  blockDataHashingStructure: 'BlockDataHashingStructure',
  batchSize: 'BatchSize',
  batchTimeout: 'BatchTimeout',
  channelRestrictions: 'ChannelRestrictions',
  consensusType: 'ConsensusType',
} as const;

/** Any generated protobuf message: all a config value needs is its serialized form. */
export interface SerializableMessage {
  serializeBinary(): Uint8Array;
}

/** An empty group whose changes require `modPolicy` (configtxgen uses the group's own Admins policy). */
export function newConfigGroup(modPolicy: string = ConfigKeys.admins): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setModPolicy(modPolicy);
  return group;
}

/** Sets value `key` of `group` to the serialized `message`, at version 0. */
export function putValue(
  group: common.ConfigGroup,
  key: string,
  message: SerializableMessage,
  modPolicy: string = ConfigKeys.admins,
): void {
  const value = new common.ConfigValue();
  value.setValue(message.serializeBinary());
  value.setModPolicy(modPolicy);
  group.getValuesMap().set(key, value);
}

/** Sets policy `name` of `group` at version 0. */
export function putPolicy(
  group: common.ConfigGroup,
  name: string,
  policy: common.Policy,
  modPolicy: string = ConfigKeys.admins,
): void {
  const configPolicy = new common.ConfigPolicy();
  configPolicy.setPolicy(policy);
  configPolicy.setModPolicy(modPolicy);
  group.getPoliciesMap().set(name, configPolicy);
}

/**
 * The entries of a protobuf map field as [key, value] pairs. Goes through get() because jspb.Map only wraps
 * message values into message objects there (getEntryList may hand out raw arrays).
 */
export function mapEntries<V>(map: ProtoMap<string, V>): [string, V][] {
  const entries: [string, V][] = [];
  for (const key of Array.from(map.keys())) {
    const value = map.get(key);
    if (value !== undefined) entries.push([key, value]);
  }
  return entries;
}

/** A sub-group of `group`, or undefined. */
export function childGroup(group: common.ConfigGroup, name: string): common.ConfigGroup | undefined {
  return group.getGroupsMap().get(name);
}
