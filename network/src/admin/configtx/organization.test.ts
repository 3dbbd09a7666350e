import { beforeAll, describe, expect, it } from '@jest/globals';
import { common, msp } from '@hyperledger/fabric-protos';

import { createTestOrganization, type TestOrganization } from '../../../test/support/test-crypto';
import { thrown } from '../../../test/support/thrown';
import { ConfigKeys } from './config-group';
import { organizationGroup } from './organization';

const ROLE_NAMES = new Map<number, string>(
  (Object.entries(msp.MSPRole.MSPRoleType) as [string, number][]).map(([name, value]) => [value, name]),
);

/** 'OR(Org1MSP.ADMIN, …)' from a signature policy built by anyRoleOf. */
function describePolicy(group: common.ConfigGroup, name: string): string {
  const policy = group.getPoliciesMap().get(name)!.getPolicy()!;
  expect(policy.getType()).toBe(common.Policy.PolicyType.SIGNATURE);
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
  const principals = envelope.getIdentitiesList().map((principal) => {
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    return `${role.getMspIdentifier()}.${ROLE_NAMES.get(role.getRole())!}`;
  });
  const outOf = envelope.getRule()!.getNOutOf()!;
  expect(outOf.getRulesList().map((rule) => rule.getSignedBy())).toEqual(principals.map((_, i) => i));
  return `${outOf.getN()}-of(${principals.join(', ')})`;
}

let org: TestOrganization;

beforeAll(async () => {
  org = await createTestOrganization('Org1MSP');
});

describe('organizationGroup', () => {
  it('gives application organizations NodeOU-role policies including Endorsement by peers', () => {
    const group = organizationGroup(org.definition(), 'application');

    expect(group.getModPolicy()).toBe(ConfigKeys.admins);
    expect(describePolicy(group, 'Readers')).toBe('1-of(Org1MSP.ADMIN, Org1MSP.PEER, Org1MSP.CLIENT)');
    expect(describePolicy(group, 'Writers')).toBe('1-of(Org1MSP.ADMIN, Org1MSP.CLIENT)');
    expect(describePolicy(group, 'Admins')).toBe('1-of(Org1MSP.ADMIN)');
    expect(describePolicy(group, 'Endorsement')).toBe('1-of(Org1MSP.PEER)');
  });

  it('lets orderer nodes read and write (sign blocks) in orderer organizations, which endorse nothing', () => {
    const group = organizationGroup(org.definition({ ordererEndpoints: ['127.0.0.1:7050'] }), 'orderer');

    expect(describePolicy(group, 'Readers')).toBe(
      '1-of(Org1MSP.ADMIN, Org1MSP.PEER, Org1MSP.CLIENT, Org1MSP.ORDERER)',
    );
    expect(describePolicy(group, 'Writers')).toBe('1-of(Org1MSP.ADMIN, Org1MSP.CLIENT, Org1MSP.ORDERER)');
    expect(group.getPoliciesMap().has('Endorsement')).toBe(false);
    const endpoints = common.OrdererAddresses.deserializeBinary(
      group.getValuesMap().get(ConfigKeys.endpoints)!.getValue_asU8(),
    );
    expect(endpoints.getAddressesList()).toEqual(['127.0.0.1:7050']);
  });

  it('builds a verifying MSP whose NodeOUs reference the root certificate', () => {
    const group = organizationGroup(org.definition(), 'application');
    const mspConfig = msp.MSPConfig.deserializeBinary(
      group.getValuesMap().get(ConfigKeys.msp)!.getValue_asU8(),
    );
    const fabric = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
    const nodeOus = fabric.getFabricNodeOus()!;

    expect(mspConfig.getType()).toBe(0);
    expect(fabric.getName()).toBe('Org1MSP');
    expect(fabric.getRootCertsList_asU8().map((c) => Buffer.from(c).toString())).toEqual([org.caCertificate]);
    expect(fabric.getTlsRootCertsList_asU8().map((c) => Buffer.from(c).toString())).toEqual([
      org.tlsCaCertificate,
    ]);
    expect(fabric.hasSigningIdentity()).toBe(false);
    expect(nodeOus.getEnable()).toBe(true);
    expect(nodeOus.getAdminOuIdentifier()!.getOrganizationalUnitIdentifier()).toBe('admin');
    expect(Buffer.from(nodeOus.getPeerOuIdentifier()!.getCertificate_asU8()).toString()).toBe(
      org.caCertificate,
    );
  });

  it('omits NodeOUs and anchor peers when not asked for', () => {
    const group = organizationGroup({ ...org.definition(), nodeOUs: false }, 'application');
    const mspConfig = msp.MSPConfig.deserializeBinary(
      group.getValuesMap().get(ConfigKeys.msp)!.getValue_asU8(),
    );

    expect(msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8()).hasFabricNodeOus()).toBe(false);
    expect(group.getValuesMap().has(ConfigKeys.anchorPeers)).toBe(false);
  });

  it('refuses an MSP ID Fabric would not accept as a group name, and anchor peers on orderer organizations', () => {
    expect(
      thrown(() => organizationGroup({ ...org.definition(), mspId: 'Org 1' }, 'application')),
    ).toMatchObject({
      code: 'INVALID_DEFINITION',
    });
    const ordererWithAnchors = org.definition({
      ordererEndpoints: ['a:1'],
      anchorPeers: [{ host: 'p', port: 1 }],
    });
    expect(thrown(() => organizationGroup(ordererWithAnchors, 'orderer'))).toMatchObject({
      code: 'INVALID_DEFINITION',
      details: { problems: ['anchor peers belong to application organizations'] },
    });
  });
});
