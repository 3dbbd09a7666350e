import { describe, expect, it } from '@jest/globals';
import type { MedicalProvider } from '../api/medical-provider';
import { describeMissingFounders, genesisDefinition, matchFounders } from './founders';

const NETWORK = { name: 'emr', namespace: 'emr-orderer', channel: 'emr' };

function provider(name: string, mspId: string, network = NETWORK, deleting = false): MedicalProvider {
  return {
    apiVersion: 'emr-fabric.dev/v1alpha1',
    kind: 'MedicalProvider',
    metadata: {
      name,
      namespace: `emr-${name}`,
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { mspId, network } as MedicalProvider['spec'],
  };
}

describe('matchFounders', () => {
  it('finds one provider per founding MSP ID, in the order of the spec', () => {
    const match = matchFounders(
      NETWORK,
      ['Provider2MSP', 'Provider1MSP'],
      [
        provider('provider1', 'Provider1MSP'),
        provider('provider2', 'Provider2MSP'),
        provider('p3', 'Provider3MSP'),
      ],
    );
    expect(match.found.map((p) => p.metadata.name)).toEqual(['provider2', 'provider1']);
    expect(match).toMatchObject({ missing: [], ambiguous: [] });
  });

  it('ignores providers of another network or channel, and providers being deleted', () => {
    const match = matchFounders(
      NETWORK,
      ['Provider1MSP', 'Provider2MSP', 'Provider3MSP'],
      [
        provider('provider1', 'Provider1MSP', { ...NETWORK, namespace: 'elsewhere' }),
        provider('provider2', 'Provider2MSP', { ...NETWORK, channel: 'other' }),
        provider('provider3', 'Provider3MSP', NETWORK, true),
      ],
    );
    expect(match.found).toEqual([]);
    expect(match.missing).toEqual(['Provider1MSP', 'Provider2MSP', 'Provider3MSP']);
  });

  it('will not choose between two providers declaring the same MSP ID', () => {
    const match = matchFounders(
      NETWORK,
      ['Provider1MSP'],
      [provider('a', 'Provider1MSP'), provider('b', 'Provider1MSP')],
    );
    expect(match).toMatchObject({ found: [], missing: [], ambiguous: ['Provider1MSP'] });
  });
});

describe('describeMissingFounders', () => {
  it('says which founders to apply and which duplicates to delete', () => {
    expect(
      describeMissingFounders({ found: [], missing: ['Provider2MSP'], ambiguous: ['Provider1MSP'] }, NETWORK),
    ).toBe(
      'no MedicalProvider with spec.mspId Provider2MSP references EmrNetwork emr-orderer/emr: apply it; ' +
        'more than one MedicalProvider declares Provider1MSP: delete the extra ones',
    );
    expect(describeMissingFounders({ found: [], missing: [], ambiguous: [] }, NETWORK)).toBeUndefined();
  });
});

describe('genesisDefinition', () => {
  const consenter = (i: number): { host: string; port: number; certificate: string } => ({
    host: `orderer-${i}.orderer.emr-orderer.svc.cluster.local`,
    port: 7050,
    certificate: `CERT${i}`,
  });

  it('names the ordering org with every consenter and endpoint, and the founders with their anchor peers', () => {
    const definition = genesisDefinition({
      channel: 'emr',
      ordererMspId: 'OrdererMSP',
      ordererRoot: 'ORDERER-ROOT',
      consenters: [consenter(0), consenter(1)],
      founders: [
        { mspId: 'Provider1MSP', root: 'ROOT1', anchorPeers: [{ host: 'peer0-provider1.x', port: 7051 }] },
      ],
    });
    expect(definition).toEqual({
      channelId: 'emr',
      ordererOrganizations: [
        {
          mspId: 'OrdererMSP',
          rootCertificates: ['ORDERER-ROOT'],
          tlsRootCertificates: ['ORDERER-ROOT'],
          nodeOUs: true,
          ordererEndpoints: [
            'orderer-0.orderer.emr-orderer.svc.cluster.local:7050',
            'orderer-1.orderer.emr-orderer.svc.cluster.local:7050',
          ],
        },
      ],
      consenters: [0, 1].map((i) => ({
        host: consenter(i).host,
        port: 7050,
        clientTlsCertificate: `CERT${i}`,
        serverTlsCertificate: `CERT${i}`,
      })),
      applicationOrganizations: [
        {
          mspId: 'Provider1MSP',
          rootCertificates: ['ROOT1'],
          tlsRootCertificates: ['ROOT1'],
          nodeOUs: true,
          anchorPeers: [{ host: 'peer0-provider1.x', port: 7051 }],
        },
      ],
      applicationAdmins: 'MAJORITY',
    });
  });

  it("writes spec.membershipPolicy as the rule of the application orgs' Admins policy", () => {
    const definition = genesisDefinition({
      channel: 'emr',
      ordererMspId: 'OrdererMSP',
      ordererRoot: 'R',
      consenters: [consenter(0)],
      founders: [{ mspId: 'Provider1MSP', root: 'R1', anchorPeers: [] }],
      membershipPolicy: 'ALL',
    });
    expect(definition.applicationAdmins).toBe('ALL');
  });

  it('refuses a channel without consenters or without members', () => {
    const base = { channel: 'emr', ordererMspId: 'OrdererMSP', ordererRoot: 'R' };
    expect(() =>
      genesisDefinition({ ...base, consenters: [], founders: [{ mspId: 'P', root: 'R', anchorPeers: [] }] }),
    ).toThrow('at least one consenter');
    expect(() => genesisDefinition({ ...base, consenters: [consenter(0)], founders: [] })).toThrow(
      'at least one founding member',
    );
  });
});
