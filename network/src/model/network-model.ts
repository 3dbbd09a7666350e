/**
 * The network as people think of it: one ordering-service org and medical-provider orgs sharing channel `emr`,
 * on which the EMR chaincode runs. Everything else (ports, paths, node specs) is derived from this.
 */
export interface OrgModel {
  /** Short DNS-1123 name used in node names, folders and Kubernetes objects, e.g. `provider1`. */
  readonly name: string;
  readonly mspId: string;
}

export interface ChaincodeModel {
  readonly name: string;
  readonly version: string;
  readonly sequence: number;
  /** Channel policy every transaction of the chaincode must satisfy (see chaincode/README.md, endorsement). */
  readonly endorsementPolicyReference: string;
}

export interface NetworkModel {
  readonly channelId: string;
  readonly chaincode: ChaincodeModel;
  readonly ordererOrg: OrgModel & { readonly orderers: number };
  readonly providers: readonly OrgModel[];
}

export const CHANNEL_ID = 'emr';

/** Users enrolled for every provider: one per role of the EMR scenario. Role attribute: see chaincode/README.md. */
export const ROLE_ATTRIBUTE = 'emr.role';
export const PROVIDER_USERS = [
  { enrollmentId: 'healthcenter1', role: 'healthcenter' },
  { enrollmentId: 'physician1', role: 'physician' },
] as const;

export function providerModel(index: number): OrgModel {
  return { name: `provider${index}`, mspId: `Provider${index}MSP` };
}

export function defaultNetworkModel(providerCount = 2): NetworkModel {
  return {
    channelId: CHANNEL_ID,
    chaincode: {
      name: 'emr',
      version: '1.0',
      sequence: 1,
      endorsementPolicyReference: '/Channel/Application/AnyEndorsement',
    },
    ordererOrg: { name: 'orderer', mspId: 'OrdererMSP', orderers: 3 },
    providers: Array.from({ length: providerCount }, (_, i) => providerModel(i + 1)),
  };
}
