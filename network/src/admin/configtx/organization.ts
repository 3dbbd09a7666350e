import { common, msp, peer } from '@hyperledger/fabric-protos';

import { ConfigKeys, newConfigGroup, putPolicy, putValue } from './config-group';
import { ConfigTxError } from './errors';
import { anyRoleOf, type MspRoleName } from './policies';

/** A peer that other organizations' peers gossip with first (AnchorPeers config value). */
export interface AnchorPeer {
  readonly host: string;
  readonly port: number;
}

/** What a channel needs to know about one organization: its MSP (trust roots) and its endpoints. */
export interface OrganizationDefinition {
  /** MSP ID, also the organization's group name in the channel configuration. */
  readonly mspId: string;
  /** PEM root CA certificates of the organization's identities (at least one). */
  readonly rootCertificates: readonly string[];
  /** PEM intermediate CA certificates, if the organization's CA is an intermediate. */
  readonly intermediateCertificates?: readonly string[];
  /** PEM root CA certificates of the organization's TLS certificates. */
  readonly tlsRootCertificates: readonly string[];
  /** PEM intermediate CA certificates of the organization's TLS certificates. */
  readonly tlsIntermediateCertificates?: readonly string[];
  /**
   * Classify identities by the OU of their certificate (client, peer, admin, orderer), as Fabric CA enrollments with
   * NodeOUs do. The roles in the organization's policies only match identities when this is on.
   */
  readonly nodeOUs: boolean;
  /** Anchor peers (application organizations). */
  readonly anchorPeers?: readonly AnchorPeer[];
  /** 'host:port' of the organization's orderers (orderer organizations; required by channel capability V3_0). */
  readonly ordererEndpoints?: readonly string[];
}

/** Which section of the channel an organization's group is for. */
export type OrganizationKind = 'application' | 'orderer';

/**
 * The organization's group as configtxgen encodes it (encoder.NewApplicationOrgGroup/NewOrdererOrgGroup): MSP value,
 * Readers/Writers/Admins (+ Endorsement for application organizations) signature policies by NodeOU role, anchor
 * peers or orderer endpoints; every element modifiable by the organization's Admins.
 */
export function organizationGroup(def: OrganizationDefinition, kind: OrganizationKind): common.ConfigGroup {
  validateOrganization(def, kind);
  const group = newConfigGroup();
  for (const [name, roles] of Object.entries(organizationPolicyRoles(kind))) {
    putPolicy(group, name, anyRoleOf(def.mspId, roles));
  }
  putValue(group, ConfigKeys.msp, mspConfig(def));
  if (kind === 'application' && def.anchorPeers && def.anchorPeers.length > 0) {
    putValue(group, ConfigKeys.anchorPeers, anchorPeersValue(def.anchorPeers));
  }
  if (kind === 'orderer' && def.ordererEndpoints && def.ordererEndpoints.length > 0) {
    const endpoints = new common.OrdererAddresses();
    endpoints.setAddressesList([...def.ordererEndpoints]);
    putValue(group, ConfigKeys.endpoints, endpoints);
  }
  return group;
}

/**
 * Roles behind each organization policy, following Fabric's sample configtx.yaml (test-network) for organizations
 * with NodeOUs. Orderer organizations' Writers include the orderer role on purpose: orderers sign blocks, and peers
 * check those signatures against /Channel/Orderer/BlockValidation = ANY Writers.
 */
function organizationPolicyRoles(kind: OrganizationKind): Record<string, readonly MspRoleName[]> {
  if (kind === 'orderer') {
    return {
      [ConfigKeys.readers]: ['admin', 'peer', 'client', 'orderer'],
      [ConfigKeys.writers]: ['admin', 'client', 'orderer'],
      [ConfigKeys.admins]: ['admin'],
    };
  }
  return {
    [ConfigKeys.readers]: ['admin', 'peer', 'client'],
    [ConfigKeys.writers]: ['admin', 'client'],
    [ConfigKeys.admins]: ['admin'],
    [ConfigKeys.endorsement]: ['peer'],
  };
}

/** The AnchorPeers config value. */
export function anchorPeersValue(anchorPeers: readonly AnchorPeer[]): peer.AnchorPeers {
  const value = new peer.AnchorPeers();
  value.setAnchorPeersList(
    anchorPeers.map(({ host, port }) => {
      const anchor = new peer.AnchorPeer();
      anchor.setHost(host);
      anchor.setPort(port);
      return anchor;
    }),
  );
  return value;
}

/**
 * The verifying MSP configuration (no signing identity) as msp.GetVerifyingMspConfig builds it from an MSP folder.
 * NodeOU identifiers reference the first root certificate, like the config.yaml that Fabric CA and cryptogen write.
 */
export function mspConfig(def: OrganizationDefinition): msp.MSPConfig {
  const fabricConfig = new msp.FabricMSPConfig();
  fabricConfig.setName(def.mspId);
  fabricConfig.setRootCertsList(def.rootCertificates.map(pemBytes));
  fabricConfig.setIntermediateCertsList((def.intermediateCertificates ?? []).map(pemBytes));
  fabricConfig.setTlsRootCertsList(def.tlsRootCertificates.map(pemBytes));
  fabricConfig.setTlsIntermediateCertsList((def.tlsIntermediateCertificates ?? []).map(pemBytes));
  const cryptoConfig = new msp.FabricCryptoConfig();
  cryptoConfig.setSignatureHashFamily('SHA2');
  cryptoConfig.setIdentityIdentifierHashFunction('SHA256');
  fabricConfig.setCryptoConfig(cryptoConfig);
  if (def.nodeOUs) {
    fabricConfig.setFabricNodeOus(nodeOUs(pemBytes(def.rootCertificates[0] ?? '')));
  }

  const config = new msp.MSPConfig();
  config.setType(0); // FABRIC (X.509); 1 would be Idemix.
  config.setConfig(fabricConfig.serializeBinary());
  return config;
}

function nodeOUs(issuerCertificate: Uint8Array): msp.FabricNodeOUs {
  const identifier = (ou: string): msp.FabricOUIdentifier => {
    const id = new msp.FabricOUIdentifier();
    id.setCertificate(issuerCertificate);
    id.setOrganizationalUnitIdentifier(ou);
    return id;
  };
  const nodeOus = new msp.FabricNodeOUs();
  nodeOus.setEnable(true);
  nodeOus.setClientOuIdentifier(identifier('client'));
  nodeOus.setPeerOuIdentifier(identifier('peer'));
  nodeOus.setAdminOuIdentifier(identifier('admin'));
  nodeOus.setOrdererOuIdentifier(identifier('orderer'));
  return nodeOus;
}

function pemBytes(pem: string): Uint8Array {
  return Buffer.from(pem, 'utf8');
}

function validateOrganization(def: OrganizationDefinition, kind: OrganizationKind): void {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9.-]+$/.test(def.mspId)) problems.push('mspId must be letters, digits, dots or dashes');
  if (def.rootCertificates.length === 0) problems.push('at least one root certificate is required');
  if (def.tlsRootCertificates.length === 0) problems.push('at least one TLS root certificate is required');
  if (kind === 'orderer' && (def.ordererEndpoints ?? []).length === 0) {
    problems.push(
      'orderer organizations need ordererEndpoints (channel capability V3_0 has no global addresses)',
    );
  }
  if (kind === 'orderer' && (def.anchorPeers ?? []).length > 0) {
    problems.push('anchor peers belong to application organizations');
  }
  if (problems.length > 0) {
    throw new ConfigTxError('INVALID_DEFINITION', `organization ${def.mspId}: ${problems.join('; ')}`, {
      mspId: def.mspId,
      kind,
      problems,
    });
  }
}
