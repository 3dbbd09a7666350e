/** A small channel definition with fresh test crypto: one orderer organization and two application organizations. */
import type { ChannelDefinition } from '../../src/admin/configtx';
import { createTestOrganization, type TestOrganization } from './test-crypto';

export interface SampleChannel {
  readonly definition: ChannelDefinition;
  readonly ordererOrg: TestOrganization;
  readonly org1: TestOrganization;
  readonly org2: TestOrganization;
}

/** Channel 'emr' with Org1MSP (one anchor peer) and Org2MSP, ordered by one Raft consenter of OrdererMSP. */
export async function createSampleChannel(): Promise<SampleChannel> {
  const [ordererOrg, org1, org2] = await Promise.all([
    createTestOrganization('OrdererMSP'),
    createTestOrganization('Org1MSP'),
    createTestOrganization('Org2MSP'),
  ]);
  const ordererTls = await ordererOrg.enrollTls('orderer0');
  return {
    ordererOrg,
    org1,
    org2,
    definition: {
      channelId: 'emr',
      ordererOrganizations: [ordererOrg.definition({ ordererEndpoints: ['127.0.0.1:7050'] })],
      consenters: [
        {
          host: '127.0.0.1',
          port: 7050,
          clientTlsCertificate: ordererTls.certificate,
          serverTlsCertificate: ordererTls.certificate,
        },
      ],
      applicationOrganizations: [
        org1.definition({ anchorPeers: [{ host: '127.0.0.1', port: 7051 }] }),
        org2.definition(),
      ],
    },
  };
}
