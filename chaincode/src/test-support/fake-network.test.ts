import { describe, expect, test } from '@jest/globals';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { CommitError, FakeNetwork, type Endorsement, type Identity } from './fake-network';
import { FakeStub, type StubInput } from './fake-stub';

/** The fake must behave like a peer where the EMR design depends on it; these pin that behaviour. */
const ORGS = ['Org1MSP', 'Org2MSP'];

function rogue(
  net: FakeNetwork,
  creator: Identity,
  endorser: string,
  write: (stub: FakeStub) => void,
): Endorsement {
  const input: StubInput = {
    world: net.world,
    peerMsp: endorser,
    channel: net.channel,
    txId: 'f'.repeat(64),
    timestamp: new Date(0),
    creator: { mspid: creator.mspId, idBytes: Buffer.from(creator.certificate) },
    args: ['rogue'],
    transient: new Map(),
  };
  const stub = new FakeStub(input);
  write(stub);
  return {
    txId: input.txId,
    fcn: 'rogue',
    args: [],
    creator,
    endorser,
    payload: '',
    simulation: stub.simulation,
  };
}

function stubInputOf(creator: Identity): StubInput {
  return {
    world: new FakeNetwork(ORGS).world,
    peerMsp: creator.mspId,
    channel: 'emr',
    txId: '0'.repeat(64),
    timestamp: new Date(0),
    creator: { mspid: creator.mspId, idBytes: Buffer.from(creator.certificate) },
    args: [],
    transient: new Map(),
  };
}

async function drain<T>(results: AsyncIterable<T>): Promise<T[]> {
  const entries: T[] = [];
  for await (const entry of results) entries.push(entry);
  return entries;
}

describe('the in-memory Fabric fake', () => {
  const net = new FakeNetwork(ORGS);
  const client1 = net.identity('Org1MSP', { cn: 'c1', ous: ['client'] });
  const client2 = net.identity('Org2MSP', { cn: 'c2', ous: ['client'] });

  test('a transaction reads committed state only (no read-your-writes), like a peer', async () => {
    const tx = rogue(net, client1, 'Org1MSP', (stub) => void stub.putState('k', Buffer.from('v')));
    net.commit(tx);
    const stub = new FakeStub({
      world: net.world,
      peerMsp: 'Org1MSP',
      channel: 'emr',
      txId: 'a'.repeat(64),
      timestamp: new Date(0),
      creator: { mspid: 'Org1MSP', idBytes: Buffer.from(client1.certificate) },
      args: [],
      transient: new Map(),
    });
    await stub.putState('k', Buffer.from('new'));
    expect(Buffer.from(await stub.getState('k')).toString()).toBe('v');
    await stub.putPrivateData('_implicit_org_Org1MSP', 'p', Buffer.from('x'));
    expect(await stub.getPrivateData('_implicit_org_Org1MSP', 'p')).toHaveLength(0);
  });

  test("only the collection org's peer holds private values; every peer can read their hash", async () => {
    net.commit(
      rogue(
        net,
        client1,
        'Org1MSP',
        (stub) => void stub.putPrivateData('_implicit_org_Org1MSP', 's', Buffer.from('secret')),
      ),
    );
    const onOrg2 = new FakeStub({
      world: net.world,
      peerMsp: 'Org2MSP',
      channel: 'emr',
      txId: 'b'.repeat(64),
      timestamp: new Date(0),
      creator: { mspid: 'Org2MSP', idBytes: Buffer.from(client2.certificate) },
      args: [],
      transient: new Map(),
    });
    await expect(onOrg2.getPrivateData('_implicit_org_Org1MSP', 's')).rejects.toThrow(
      /private data matching public hash version is not available/,
    );
    expect(await onOrg2.getPrivateDataHash('_implicit_org_Org1MSP', 's')).toHaveLength(32);
    expect(await onOrg2.getPrivateData('_implicit_org_Org1MSP', 'absent')).toHaveLength(0);
    expect(() => onOrg2.getMspID()).toThrow(/must not depend on the MSP ID/);
  });

  test("writing an org's implicit collection is valid only when a peer of that org endorsed", () => {
    const forged = rogue(
      net,
      client2,
      'Org2MSP',
      (stub) => void stub.putPrivateData('_implicit_org_Org1MSP', 'x', Buffer.from('y')),
    );
    expect(() => {
      net.commit(forged);
    }).toThrow(CommitError);
    expect(net.blocks.at(-1)?.validation).toBe('ENDORSEMENT_POLICY_FAILURE');
    const outsider = rogue(
      net,
      client2,
      'Org2MSP',
      (stub) => void stub.putPrivateData('_implicit_org_Org9MSP', 'x', Buffer.from('y')),
    );
    expect(() => {
      net.commit(outsider);
    }).toThrow(/ENDORSEMENT_POLICY_FAILURE/);
  });

  test('a public key under a key-level policy can only be changed with an endorsement of a listed org', () => {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', 'Org1MSP');
    net.commit(
      rogue(net, client1, 'Org1MSP', (stub) => {
        void stub.putState('owned', Buffer.from('1'));
        void stub.setStateValidationParameter('owned', policy.getPolicy());
      }),
    );
    expect(() => {
      net.commit(rogue(net, client2, 'Org2MSP', (stub) => void stub.putState('owned', Buffer.from('2'))));
    }).toThrow(/ENDORSEMENT_POLICY_FAILURE/);
    expect(() => {
      net.commit(rogue(net, client2, 'Org2MSP', (stub) => void stub.deleteState('owned')));
    }).toThrow(/ENDORSEMENT_POLICY_FAILURE/);
    net.commit(rogue(net, client1, 'Org1MSP', (stub) => void stub.putState('owned', Buffer.from('3'))));
  });

  test('a transaction that ran a private range query may not write, and one that wrote may not run one', async () => {
    const collection = '_implicit_org_Org1MSP';
    const queryFirst = new FakeStub({ ...stubInputOf(client1), txId: 'd'.repeat(64) });
    expect(await drain(queryFirst.getPrivateDataByRange(collection, '', ''))).toEqual([]);
    expect(() => queryFirst.putState('k', Buffer.from('v'))).toThrow(/already performed queries on pvt data/);
    expect(() => queryFirst.putPrivateData(collection, 'k', Buffer.from('v'))).toThrow(
      /Writes are not allowed/,
    );
    const writeFirst = new FakeStub({ ...stubInputOf(client1), txId: 'e'.repeat(64) });
    await writeFirst.putState('k', Buffer.from('v'));
    await expect(writeFirst.getPrivateDataByRange(collection, '', '')).rejects.toThrow(/only in a read-only/);
    // Public range queries stay allowed in transactions that write (Fabric re-checks them for phantoms).
    expect(await drain(writeFirst.getStateByPartialCompositeKey('request', []))).toEqual([]);
  });

  test('a transaction whose reads went stale before commit is invalid (MVCC)', async () => {
    const reader = new FakeStub({
      world: net.world,
      peerMsp: 'Org1MSP',
      channel: 'emr',
      txId: 'c'.repeat(64),
      timestamp: new Date(0),
      creator: { mspid: 'Org1MSP', idBytes: Buffer.from(client1.certificate) },
      args: [],
      transient: new Map(),
    });
    await reader.getState('k');
    await reader.putState('other', Buffer.from('z'));
    net.commit(rogue(net, client1, 'Org1MSP', (stub) => void stub.putState('k', Buffer.from('changed'))));
    const stale: Endorsement = {
      txId: 'c'.repeat(64),
      fcn: 'rogue',
      args: [],
      creator: client1,
      endorser: 'Org1MSP',
      payload: '',
      simulation: reader.simulation,
    };
    expect(() => {
      net.commit(stale);
    }).toThrow(/MVCC_READ_CONFLICT/);
  });
});
