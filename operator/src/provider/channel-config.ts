/** What the operator reads from a channel's latest config block: its application members and admin rule. */
import { common } from '@hyperledger/fabric-protos';
import { configtx, fetchConfigBlock, type GrpcEndpoint, type Identity } from '@emr/network';
import type { ImplicitMetaRule } from './consent';

export interface ChannelMembership {
  /** MSP IDs of the application orgs. */
  readonly members: readonly string[];
  /** Rule of /Channel/Application/Admins; undefined when it is not an implicit-meta policy. */
  readonly adminsRule: ImplicitMetaRule | undefined;
  readonly configBlock: number;
}

const RULES: Readonly<Record<number, ImplicitMetaRule>> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

export async function readChannelMembership(
  orderer: GrpcEndpoint,
  channelId: string,
  reader: Identity,
): Promise<ChannelMembership> {
  const block = await fetchConfigBlock(orderer, channelId, reader);
  const config = configtx.readConfigFromBlock(block);
  const application = config.getChannelGroup()?.getGroupsMap().get(configtx.ConfigKeys.applicationGroup);
  const members = application
    ? application
        .getGroupsMap()
        .toArray()
        .map(([mspId]) => mspId)
        .sort()
    : [];
  const admins = application?.getPoliciesMap().get(configtx.ConfigKeys.admins)?.getPolicy();
  let adminsRule: ImplicitMetaRule | undefined;
  if (admins?.getType() === common.Policy.PolicyType.IMPLICIT_META) {
    adminsRule = RULES[common.ImplicitMetaPolicy.deserializeBinary(admins.getValue_asU8()).getRule()];
  }
  return { members, adminsRule, configBlock: block.getHeader()?.getNumber() ?? 0 };
}
