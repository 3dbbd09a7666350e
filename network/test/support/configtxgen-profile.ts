/**
 * Writes a configtx.yaml (and the MSP folders it points at) equivalent to a ChannelDefinition, so tests can have the
 * real configtxgen build the same channel and compare its output with ours.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { BatchOptions, ChannelDefinition, OrganizationDefinition } from '../../src/admin/configtx';

export const PROFILE_NAME = 'EmrChannel';

type Kind = 'orderer' | 'application';

/**
 * Writes `<dir>/configtx.yaml` with profile {@link PROFILE_NAME} and one verifying MSP folder per organization.
 * The YAML spells out what our encoder applies implicitly (NodeOU-role policies, Raft options), so a difference
 * between the two outputs is a difference in encoding. Organizations need NodeOUs and one root certificate each.
 */
export async function writeConfigtxProfile(
  dir: string,
  def: ChannelDefinition & { readonly batch: BatchOptions },
): Promise<void> {
  const ordererOrgs = await Promise.all(
    def.ordererOrganizations.map((org) => organizationYaml(dir, org, 'orderer')),
  );
  const applicationOrgs = await Promise.all(
    def.applicationOrganizations.map((org) => organizationYaml(dir, org, 'application')),
  );
  const consenters = await Promise.all(
    def.consenters.map(async (consenter, index) => {
      const client = await writeFileIn(
        path.join(dir, 'consenters'),
        `${index}-client.pem`,
        consenter.clientTlsCertificate,
      );
      const server = await writeFileIn(
        path.join(dir, 'consenters'),
        `${index}-server.pem`,
        consenter.serverTlsCertificate,
      );
      return [
        `- Host: ${consenter.host}`,
        `  Port: ${consenter.port}`,
        `  ClientTLSCert: ${client}`,
        `  ServerTLSCert: ${server}`,
      ];
    }),
  );
  const standardPolicies = {
    Readers: implicitMeta('ANY Readers'),
    Writers: implicitMeta('ANY Writers'),
    Admins: implicitMeta('MAJORITY Admins'),
  };
  const lines = [
    'Profiles:',
    `  ${PROFILE_NAME}:`,
    ...indent(4, policiesYaml(standardPolicies)),
    '    Capabilities: { V3_0: true }',
    '    Orderer:',
    '      OrdererType: etcdraft',
    `      BatchTimeout: ${def.batch.timeout}`,
    '      BatchSize:',
    `        MaxMessageCount: ${def.batch.maxMessageCount}`,
    `        AbsoluteMaxBytes: ${def.batch.absoluteMaxBytes}`,
    `        PreferredMaxBytes: ${def.batch.preferredMaxBytes}`,
    '      EtcdRaft:',
    '        Consenters:',
    ...indent(10, consenters.flat()),
    '        Options:',
    '          TickInterval: 500ms',
    '          ElectionTick: 10',
    '          HeartbeatTick: 1',
    '          MaxInflightBlocks: 5',
    '          SnapshotIntervalSize: 16 MB',
    '      Organizations:',
    ...indent(8, ordererOrgs.flat()),
    ...indent(6, policiesYaml({ ...standardPolicies, BlockValidation: implicitMeta('ANY Writers') })),
    '      Capabilities: { V2_0: true }',
    '    Application:',
    '      Organizations:',
    ...indent(8, applicationOrgs.flat()),
    ...indent(
      6,
      policiesYaml({
        ...standardPolicies,
        Endorsement: implicitMeta('MAJORITY Endorsement'),
        LifecycleEndorsement: implicitMeta('MAJORITY Endorsement'),
        AnyEndorsement: implicitMeta('ANY Endorsement'),
      }),
    ),
    '      Capabilities: { V2_5: true }',
  ];
  await writeFile(path.join(dir, 'configtx.yaml'), lines.join('\n') + '\n');
}

interface PolicyYaml {
  readonly type: 'ImplicitMeta' | 'Signature';
  readonly rule: string;
}

function implicitMeta(rule: string): PolicyYaml {
  return { type: 'ImplicitMeta', rule };
}

function policiesYaml(policies: Readonly<Record<string, PolicyYaml>>): string[] {
  return [
    'Policies:',
    ...Object.entries(policies).flatMap(([name, policy]) => [
      `  ${name}:`,
      `    Type: ${policy.type}`,
      `    Rule: "${policy.rule}"`,
    ]),
  ];
}

async function organizationYaml(dir: string, org: OrganizationDefinition, kind: Kind): Promise<string[]> {
  const mspDir = path.join(dir, 'msp', `${kind}-${org.mspId}`);
  await writeFileIn(path.join(mspDir, 'cacerts'), 'ca.pem', org.rootCertificates[0] ?? '');
  await writeFileIn(path.join(mspDir, 'tlscacerts'), 'tlsca.pem', org.tlsRootCertificates[0] ?? '');
  await writeFileIn(mspDir, 'config.yaml', NODE_OUS_CONFIG);

  const anyOf = (roles: string[]): PolicyYaml => ({
    type: 'Signature',
    rule: `OR(${roles.map((role) => `'${org.mspId}.${role}'`).join(', ')})`,
  });
  const policies: Record<string, PolicyYaml> =
    kind === 'orderer'
      ? {
          Readers: anyOf(['admin', 'peer', 'client', 'orderer']),
          Writers: anyOf(['admin', 'client', 'orderer']),
          Admins: anyOf(['admin']),
        }
      : {
          Readers: anyOf(['admin', 'peer', 'client']),
          Writers: anyOf(['admin', 'client']),
          Admins: anyOf(['admin']),
          Endorsement: anyOf(['peer']),
        };
  const endpoints = org.ordererEndpoints ?? [];
  const anchors = org.anchorPeers ?? [];
  return [
    `- Name: ${org.mspId}`,
    `  ID: ${org.mspId}`,
    `  MSPDir: ${mspDir}`,
    ...indent(2, policiesYaml(policies)),
    ...(endpoints.length > 0 ? ['  OrdererEndpoints:', ...endpoints.map((e) => `    - ${e}`)] : []),
    ...(anchors.length > 0
      ? ['  AnchorPeers:', ...anchors.flatMap((p) => [`    - Host: ${p.host}`, `      Port: ${p.port}`])]
      : []),
  ];
}

const NODE_OUS_CONFIG = [
  'NodeOUs:',
  '  Enable: true',
  ...['Client', 'Peer', 'Admin', 'Orderer'].flatMap((role) => [
    `  ${role}OUIdentifier:`,
    '    Certificate: cacerts/ca.pem',
    `    OrganizationalUnitIdentifier: ${role.toLowerCase()}`,
  ]),
].join('\n');

function indent(spaces: number, lines: readonly string[]): string[] {
  return lines.map((line) => ' '.repeat(spaces) + line);
}

async function writeFileIn(dir: string, name: string, content: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}
