import { common, msp } from '@hyperledger/fabric-protos';

/** MSP roles a signature policy can require, as Fabric's policy DSL names them ('Org1MSP.admin'). */
export type MspRoleName = 'member' | 'admin' | 'client' | 'peer' | 'orderer';

const MSP_ROLES: Readonly<Record<MspRoleName, msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]>> =
  {
    member: msp.MSPRole.MSPRoleType.MEMBER,
    admin: msp.MSPRole.MSPRoleType.ADMIN,
    client: msp.MSPRole.MSPRoleType.CLIENT,
    peer: msp.MSPRole.MSPRoleType.PEER,
    orderer: msp.MSPRole.MSPRoleType.ORDERER,
  };

/** Rules of an implicit-meta policy (ANY/ALL/MAJORITY of the sub-groups' policies of one name). */
export type ImplicitMetaRule = 'ANY' | 'ALL' | 'MAJORITY';

const IMPLICIT_META_RULES: Readonly<
  Record<ImplicitMetaRule, common.ImplicitMetaPolicy.RuleMap[keyof common.ImplicitMetaPolicy.RuleMap]>
> = {
  ANY: common.ImplicitMetaPolicy.Rule.ANY,
  ALL: common.ImplicitMetaPolicy.Rule.ALL,
  MAJORITY: common.ImplicitMetaPolicy.Rule.MAJORITY,
};

function rolePrincipal(mspId: string, role: MspRoleName): msp.MSPPrincipal {
  const mspRole = new msp.MSPRole();
  mspRole.setMspIdentifier(mspId);
  mspRole.setRole(MSP_ROLES[role]);
  const principal = new msp.MSPPrincipal();
  principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  principal.setPrincipal(mspRole.serializeBinary());
  return principal;
}

/**
 * The signature policy `OR('<mspId>.<role1>', '<mspId>.<role2>', …)`, encoded exactly as configtxgen's policy DSL
 * parser does: one principal per role in order, and a 1-out-of-n rule over SignedBy(i).
 */
export function anyRoleOf(mspId: string, roles: readonly MspRoleName[]): common.Policy {
  const outOf = new common.SignaturePolicy.NOutOf();
  outOf.setN(1);
  outOf.setRulesList(
    roles.map((_, index) => {
      const signedBy = new common.SignaturePolicy();
      signedBy.setSignedBy(index);
      return signedBy;
    }),
  );
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(outOf);

  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(roles.map((role) => rolePrincipal(mspId, role)));

  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.SIGNATURE);
  policy.setValue(envelope.serializeBinary());
  return policy;
}

/** The implicit-meta policy `<rule> <subPolicy>`, e.g. 'MAJORITY Admins'. */
export function implicitMeta(rule: ImplicitMetaRule, subPolicy: string): common.Policy {
  const meta = new common.ImplicitMetaPolicy();
  meta.setSubPolicy(subPolicy);
  meta.setRule(IMPLICIT_META_RULES[rule]);
  const policy = new common.Policy();
  policy.setType(common.Policy.PolicyType.IMPLICIT_META);
  policy.setValue(meta.serializeBinary());
  return policy;
}
