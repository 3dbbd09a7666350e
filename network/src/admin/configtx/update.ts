import { common } from '@hyperledger/fabric-protos';
import type { Map as ProtoMap } from 'google-protobuf';

import { mapEntries } from './config-group';
import { ConfigTxError } from './errors';

/**
 * The ConfigUpdate that turns `original` into `updated`, with the semantics of Fabric's configtxlator
 * (internal/configtxlator/update.Compute), which the orderer's configtx validator expects:
 * - an unchanged element is only named in the read set, by version, when its parent's membership changes;
 * - a changed value or policy goes to the write set at version + 1 with its new content and mod_policy;
 * - a new element goes to the write set at version 0 with all its content;
 * - a group whose members (keys) or mod_policy change goes to the write set at version + 1 with all its members,
 *   unchanged ones by version only; a group with only changed members keeps its version.
 * @returns the serialized common.ConfigUpdate: the exact bytes every admin signs.
 * @throws ConfigTxError NO_DIFFERENCES if the configurations are equal.
 */
export function computeConfigUpdate(
  channelId: string,
  original: common.Config,
  updated: common.Config,
): Uint8Array {
  const originalGroup = original.getChannelGroup();
  const updatedGroup = updated.getChannelGroup();
  if (!originalGroup || !updatedGroup) {
    throw new ConfigTxError('MALFORMED_CONFIG', 'both configurations need a channel group', {
      original: Boolean(originalGroup),
      updated: Boolean(updatedGroup),
    });
  }
  const delta = groupDelta(originalGroup, updatedGroup);
  if (!delta.changed) {
    throw new ConfigTxError('NO_DIFFERENCES', 'no differences detected between original and updated config', {
      channelId,
    });
  }
  const update = new common.ConfigUpdate();
  update.setChannelId(channelId);
  update.setReadSet(delta.readSet);
  update.setWriteSet(delta.writeSet);
  return update.serializeBinary();
}

/** Read and write set entries of one map of a group (values, policies or sub-groups). */
interface MapDelta<T> {
  /** Sub-groups that contain changes, by their read sets (changed values and policies are never read). */
  readonly read: Map<string, T>;
  /** Elements that changed or are new: the write side. */
  readonly write: Map<string, T>;
  /** Unchanged elements, by version: listed on both sides only if the map's membership changed. */
  readonly same: Map<string, T>;
  /** Whether keys were added or removed. */
  membershipChanged: boolean;
}

function emptyDelta<T>(): MapDelta<T> {
  return { read: new Map(), write: new Map(), same: new Map(), membershipChanged: false };
}

interface GroupDelta {
  readonly readSet: common.ConfigGroup;
  readonly writeSet: common.ConfigGroup;
  readonly changed: boolean;
}

/** How a config element kind (value or policy) is compared, referenced by version and rewritten. */
interface ElementKind<T> {
  sameContent(original: T, updated: T): boolean;
  /** The element carrying only `version`. */
  versionOnly(version: number): T;
  /** `updated`'s content and mod_policy at `version`. */
  withVersion(updated: T, version: number): T;
}

const VALUES: ElementKind<common.ConfigValue> = {
  sameContent: (a, b) =>
    a.getModPolicy() === b.getModPolicy() && equalBytes(a.getValue_asU8(), b.getValue_asU8()),
  versionOnly: (version) => {
    const value = new common.ConfigValue();
    value.setVersion(version);
    return value;
  },
  withVersion: (updated, version) => {
    const value = VALUES.versionOnly(version);
    value.setModPolicy(updated.getModPolicy());
    value.setValue(updated.getValue_asU8());
    return value;
  },
};

const POLICIES: ElementKind<common.ConfigPolicy> = {
  sameContent: (a, b) => a.getModPolicy() === b.getModPolicy() && samePolicy(a.getPolicy(), b.getPolicy()),
  versionOnly: (version) => {
    const policy = new common.ConfigPolicy();
    policy.setVersion(version);
    return policy;
  },
  withVersion: (updated, version) => {
    const policy = POLICIES.versionOnly(version);
    policy.setModPolicy(updated.getModPolicy());
    const content = updated.getPolicy();
    if (content) policy.setPolicy(content.cloneMessage());
    return policy;
  },
};

/** Like proto.Equal on common.Policy: same type and same value bytes. */
function samePolicy(a: common.Policy | undefined, b: common.Policy | undefined): boolean {
  if (!a || !b) return a === b;
  return a.getType() === b.getType() && equalBytes(a.getValue_asU8(), b.getValue_asU8());
}

function elementsDelta<T extends common.ConfigValue | common.ConfigPolicy>(
  kind: ElementKind<T>,
  original: ReadonlyMap<string, T>,
  updated: ReadonlyMap<string, T>,
): MapDelta<T> {
  const delta = emptyDelta<T>();
  for (const [name, originalElement] of original) {
    const updatedElement = updated.get(name);
    if (!updatedElement) {
      delta.membershipChanged = true;
    } else if (kind.sameContent(originalElement, updatedElement)) {
      delta.same.set(name, kind.versionOnly(originalElement.getVersion()));
    } else {
      delta.write.set(name, kind.withVersion(updatedElement, originalElement.getVersion() + 1));
    }
  }
  for (const [name, updatedElement] of updated) {
    if (original.has(name)) continue;
    delta.membershipChanged = true;
    delta.write.set(name, kind.withVersion(updatedElement, 0));
  }
  return delta;
}

function groupsDelta(
  original: ReadonlyMap<string, common.ConfigGroup>,
  updated: ReadonlyMap<string, common.ConfigGroup>,
): MapDelta<common.ConfigGroup> {
  const delta = emptyDelta<common.ConfigGroup>();
  for (const [name, originalGroup] of original) {
    const updatedGroup = updated.get(name);
    if (!updatedGroup) {
      delta.membershipChanged = true;
      continue;
    }
    const child = groupDelta(originalGroup, updatedGroup);
    if (child.changed) {
      delta.read.set(name, child.readSet);
      delta.write.set(name, child.writeSet);
    } else {
      delta.same.set(name, child.readSet);
    }
  }
  for (const [name, updatedGroup] of updated) {
    if (original.has(name)) continue;
    delta.membershipChanged = true;
    // A new group is written whole at version 0: diff it against an empty group, then reset its version.
    const { writeSet } = groupDelta(new common.ConfigGroup(), updatedGroup);
    writeSet.setVersion(0);
    writeSet.setModPolicy(updatedGroup.getModPolicy());
    delta.write.set(name, writeSet);
  }
  return delta;
}

function groupDelta(original: common.ConfigGroup, updated: common.ConfigGroup): GroupDelta {
  const policies = elementsDelta(POLICIES, asMap(original.getPoliciesMap()), asMap(updated.getPoliciesMap()));
  const values = elementsDelta(VALUES, asMap(original.getValuesMap()), asMap(updated.getValuesMap()));
  const groups = groupsDelta(asMap(original.getGroupsMap()), asMap(updated.getGroupsMap()));
  const version = original.getVersion();

  const membershipOrModPolicyChanged =
    policies.membershipChanged ||
    values.membershipChanged ||
    groups.membershipChanged ||
    original.getModPolicy() !== updated.getModPolicy();

  if (!membershipOrModPolicyChanged) {
    const anyChange = [policies, values, groups].some((d) => d.read.size > 0 || d.write.size > 0);
    if (!anyChange) {
      return { readSet: groupOf(version), writeSet: groupOf(version), changed: false };
    }
    // Only members changed: the group itself keeps its version and is not rewritten.
    return {
      readSet: groupOf(version, policies.read, values.read, groups.read),
      writeSet: groupOf(version, policies.write, values.write, groups.write),
      changed: true,
    };
  }

  // The group's membership or mod_policy changed: it is rewritten at version + 1 listing every member.
  const readSet = groupOf(
    version,
    union(policies.read, policies.same),
    union(values.read, values.same),
    union(groups.read, groups.same),
  );
  const writeSet = groupOf(
    version + 1,
    union(policies.write, policies.same),
    union(values.write, values.same),
    union(groups.write, groups.same),
  );
  writeSet.setModPolicy(updated.getModPolicy());
  return { readSet, writeSet, changed: true };
}

function groupOf(
  version: number,
  policies: ReadonlyMap<string, common.ConfigPolicy> = new Map(),
  values: ReadonlyMap<string, common.ConfigValue> = new Map(),
  groups: ReadonlyMap<string, common.ConfigGroup> = new Map(),
): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setVersion(version);
  for (const [name, policy] of policies) group.getPoliciesMap().set(name, policy);
  for (const [name, value] of values) group.getValuesMap().set(name, value);
  for (const [name, child] of groups) group.getGroupsMap().set(name, child);
  return group;
}

/**
 * Entries of `a` then of `b`. Every entry is a fresh message per side except `same` ones, which the read and write
 * sets may share: they are only serialized, never mutated.
 */
function union<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): Map<string, T> {
  return new Map([...a, ...b]);
}

function asMap<V>(map: ProtoMap<string, V>): Map<string, V> {
  return new Map(mapEntries(map));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
