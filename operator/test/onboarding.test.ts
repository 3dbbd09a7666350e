// The operator's Fabric steps for real: a running two-provider devnet (3 Raft orderers, CAs, peers, chaincode
// servers, gateways), a real kube-apiserver holding the MedicalProviders and their Secrets, and the operator with
// its devnet runtime. The devnet's providers are adopted as MedicalProviders (no ledger writes); provider4, which
// provider1's consent policy does not admit, stops with a clear condition; provider3 waits for provider2's manual
// approval across an operator restart, is admitted by a channel update signed by both members, joins, approves
// the committed chaincode, initializes — and its healthcenter user creates an EMR. Then the chaincode is upgraded
// by spec.chaincode.version: provider1 and provider2 (a majority) commit sequence 2, provider3 — still naming the
// old version — is told it is behind, catches up once its spec names the new one, and its users transact again.
import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  connectGateway,
  newCaClient,
  newChaincodeLifecycle,
  queryLedgerHeight,
  withRetry,
  type Devnet,
  type Identity,
} from '@emr/network';
import { toolsBinDir } from '../../cdk8s/test/support/kube-apiserver';
import { chaincodeProbe } from '../../network/test/support/chaincode-probe';
import { APPROVE_ANNOTATION } from '../src/api/medical-provider';
import { MEDICAL_PROVIDERS } from '../src/api/resources';
import { listObjects } from '../src/kube/resources';
import { readSecret } from '../src/kube/secret-store';
import { CONFIG_MAPS, resourcePath, SECRETS } from '../src/kube/types';
import { newLogger, SILENT } from '../src/logger';
import { Operator } from '../src/operator';
import { newDevnetRuntime } from '../src/runtime/devnet';
import {
  condition,
  createEmrNetwork,
  createProvider,
  eventsOf,
  eventually,
  getProvider,
  providerObject,
  putSecret,
  startTestCluster,
  waitForCondition,
  type TestCluster,
} from './support/kube';
import { adoptDevnetProvider, newOperatorTestDevnet, OPERATOR_TEST_PORT_BASE } from './support/devnet';

const MINUTE = 60_000;
const PRINTER_COLUMNS = [
  'NAME:.metadata.name',
  'MSP:.spec.mspId',
  'PHASE:.status.phase',
  'CHANNEL:.spec.network.channel',
  'JOINED:.status.joined',
  'CC:.status.chaincode.summary',
  'SIGS:.status.signatures',
].join(',');
const execFileAsync = promisify(execFile);
const logger = process.env['EMR_TEST_LOG'] === '1' ? newLogger('debug') : SILENT;
const timings: Record<string, number> = {};

describe('onboarding a provider into a running devnet channel', () => {
  let devnet: Devnet;
  let gatewayScript: string | undefined;
  let cluster: TestCluster;
  let operator: Operator;
  let heightBefore: number;
  /** provider3's healthcenter user (CreateEmr needs the role). */
  let healthcenter: Identity;

  const startOperator = async (identity: string): Promise<Operator> => {
    const started = new Operator({
      client: cluster.client,
      runtime: newDevnetRuntime({ devnet, ...(gatewayScript === undefined ? {} : { gatewayScript }) }),
      identity,
      logger: logger.child({ operator: identity }),
      backoff: { baseMs: 500, maxMs: 5_000, jitter: 0.2 },
      workers: 2,
    });
    await started.start();
    return started;
  };

  /** The real kubectl of `make tools`, with the test API server's kubeconfig. */
  const kubectl = async (...args: string[]): Promise<string> => {
    const { stdout } = await execFileAsync(join(toolsBinDir(), 'kubectl'), [
      '--kubeconfig',
      kubeconfigFile,
      ...args,
    ]);
    return stdout;
  };
  let kubeconfigFile: string;

  /** A CreateEmr endorsed by provider3's own peer (so run by its chaincode server), then a read of it. */
  const createEmrAtProvider3 = async (): Promise<boolean> => {
    using connection = connectGateway(
      devnet.peerEndpoint({ name: 'provider3', mspId: 'Provider3MSP' }),
      healthcenter,
    );
    const probe = chaincodeProbe(connection.gateway, { channel: 'emr', chaincode: 'emr' } as never);
    const patientId = await withRetry(() => probe.write(), { attempts: 30, delayMs: 1_000 });
    return await probe.read(patientId);
  };

  /** The definition committed on the channel, as provider1's admin reads it. */
  const committedChaincode = async (): Promise<
    { sequence: number; version: string; approvals: Record<string, boolean> } | undefined
  > => {
    const admin = await readSecret(cluster.client, 'provider1', 'provider1-admin');
    using connection = connectGateway(devnet.peerEndpoint({ name: 'provider1', mspId: 'Provider1MSP' }), {
      mspId: 'Provider1MSP',
      certificate: admin?.['cert.pem'] ?? '',
      privateKey: admin?.['key.pem'] ?? '',
    });
    return await newChaincodeLifecycle(connection.gateway, 'emr').queryCommitted('emr');
  };

  const setChaincodeVersion = (name: string, version: string): Promise<unknown> =>
    cluster.client.request('PATCH', resourcePath(MEDICAL_PROVIDERS, { namespace: name, name }), {
      body: { spec: { chaincode: { version } } },
      contentType: 'application/merge-patch+json',
    });

  const ledgerHeight = async (): Promise<number> => {
    const org = { name: 'provider1', mspId: 'Provider1MSP' };
    const admin = await readSecret(cluster.client, 'provider1', 'provider1-admin');
    using connection = connectGateway(devnet.peerEndpoint(org), {
      mspId: org.mspId,
      certificate: admin?.['cert.pem'] ?? '',
      privateKey: admin?.['key.pem'] ?? '',
    });
    return await queryLedgerHeight(connection.gateway, 'emr', org.mspId);
  };

  beforeAll(async () => {
    const started = Date.now();
    ({ devnet, gatewayScript } = newOperatorTestDevnet(
      Number(process.env['EMR_TEST_PORT_BASE'] ?? OPERATOR_TEST_PORT_BASE),
    ));
    expect(await devnet.up()).toBe('started');
    timings['devnet up'] = Date.now() - started;
    cluster = await startTestCluster(['emr-orderer', 'provider1', 'provider2', 'provider3', 'provider4']);
    kubeconfigFile = join(mkdtempSync(join(tmpdir(), 'emr-operator-kubeconfig-')), 'config');
    writeFileSync(kubeconfigFile, cluster.server.kubeconfig(), { mode: 0o600 });
    await createEmrNetwork(cluster.client);
    await adoptDevnetProvider(cluster.client, devnet, 'provider1', 'provider1');
    await adoptDevnetProvider(cluster.client, devnet, 'provider2', 'provider2');
    await createProvider(
      cluster.client,
      providerObject('provider1', 'provider1', 'Provider1MSP', {
        consentPolicy: { mode: 'AllowList', allowedMspIds: ['Provider3MSP'] },
      }),
    );
    await createProvider(
      cluster.client,
      providerObject('provider2', 'provider2', 'Provider2MSP', { consentPolicy: { mode: 'Manual' } }),
    );
    operator = await startOperator('operator-1');
  }, 8 * MINUTE);

  afterAll(async () => {
    await (operator as Operator | undefined)?.stop();
    await (cluster as TestCluster | undefined)?.server.stop();
    await (devnet as Devnet | undefined)?.down();
    if (kubeconfigFile) rmSync(dirname(kubeconfigFile), { recursive: true, force: true });
    process.stdout.write(`operator onboarding timings (ms): ${JSON.stringify(timings)}\n`);
  }, 2 * MINUTE);

  it(
    "adopts the devnet's providers: every step finds its work done, nothing is written to the ledger",
    async () => {
      const started = Date.now();
      for (const name of ['provider1', 'provider2']) {
        const ready = await waitForCondition(
          cluster.client,
          name,
          name,
          'Ready',
          'True',
          undefined,
          3 * MINUTE,
        );
        expect(ready.status).toMatchObject({ phase: 'Ready', channel: 'emr', joined: '1/1' });
        expect(ready.status?.chaincode).toMatchObject({
          name: 'emr',
          version: '1.0',
          sequence: 1,
          summary: 'emr:1',
        });
        expect(condition(ready, 'ChannelMembershipApproved')?.reason).toBe('Member');
      }
      timings['adopt provider1+2'] = Date.now() - started;
      heightBefore = await ledgerHeight();
      // The devnet's last block is the last provider's initialization: adoption added none.
      expect(heightBefore).toBeGreaterThan(3);
    },
    4 * MINUTE,
  );

  it(
    'stops provider4 with ConsentRefused: provider1 admits only Provider3MSP, so the majority cannot be met',
    async () => {
      await putSecret(cluster.client, 'provider4', 'ca-provider4-registrar', {
        secret: randomBytes(12).toString('hex'),
      });
      await createProvider(cluster.client, providerObject('provider4', 'provider4', 'Provider4MSP'));
      const refused = await waitForCondition(
        cluster.client,
        'provider4',
        'provider4',
        'ChannelMembershipApproved',
        'False',
        'ConsentRefused',
        3 * MINUTE,
      );
      expect(refused.status).toMatchObject({ phase: 'Failed', signatures: '0/2' });
      expect(condition(refused, 'ChannelMembershipApproved')?.message).toContain(
        'Provider1MSP refuses to admit Provider4MSP by its consent policy',
      );
      expect(condition(refused, 'Ready')).toMatchObject({ status: 'False', reason: 'ConsentRefused' });
      expect(condition(refused, 'ChannelUpdated')).toMatchObject({ status: 'Unknown', reason: 'Pending' });
      const warning = await eventually('the ConsentRefused Warning', async () =>
        (await eventsOf(cluster.client, 'provider4', 'provider4')).find((e) => e.reason === 'ConsentRefused'),
      );
      expect(warning.type).toBe('Warning');
      expect(await ledgerHeight()).toBe(heightBefore);
    },
    4 * MINUTE,
  );

  it(
    "onboards provider3: waits for provider2's manual approval across an operator restart, then is Ready",
    async () => {
      const started = Date.now();
      await putSecret(cluster.client, 'provider3', 'ca-provider3-registrar', {
        secret: randomBytes(12).toString('hex'),
      });
      await createProvider(cluster.client, providerObject('provider3', 'provider3', 'Provider3MSP'));
      const awaiting = await waitForCondition(
        cluster.client,
        'provider3',
        'provider3',
        'ChannelMembershipApproved',
        'False',
        'AwaitingApproval',
        3 * MINUTE,
      );
      timings['provider3 to AwaitingApproval'] = Date.now() - started;
      expect(awaiting.status).toMatchObject({
        phase: 'AwaitingApproval',
        signatures: '1/2',
        signedBy: ['Provider1MSP'],
      });
      expect(condition(awaiting, 'ChannelMembershipApproved')?.message).toContain(
        `Provider2MSP (consent mode Manual: approve with \`kubectl annotate medicalprovider -n <its namespace> <its name> ${APPROVE_ANNOTATION}=Provider3MSP\`)`,
      );
      const admin = await readSecret(cluster.client, 'provider3', 'provider3-admin');
      expect(new X509Certificate(admin?.['cert.pem'] ?? '').subject).toContain('OU=admin');

      // What a platform engineer runs: kubectl wait, until the operator reports Ready.
      const wait = kubectl(
        'wait',
        '--for=condition=Ready',
        'medicalprovider/provider3',
        '-n',
        'provider3',
        '--timeout=5m',
      );

      // The operator goes away mid-onboarding; a new one takes over from the resources' state.
      await operator.stop();
      operator = await startOperator('operator-2');
      await cluster.client.request(
        'PATCH',
        resourcePath(MEDICAL_PROVIDERS, { namespace: 'provider2', name: 'provider2' }),
        {
          body: { metadata: { annotations: { [APPROVE_ANNOTATION]: 'Provider3MSP' } } },
          contentType: 'application/merge-patch+json',
        },
      );
      const approvedAt = Date.now();
      const ready = await waitForCondition(
        cluster.client,
        'provider3',
        'provider3',
        'Ready',
        'True',
        undefined,
        5 * MINUTE,
      );
      timings['provider3 approval to Ready'] = Date.now() - approvedAt;
      expect(ready.status).toMatchObject({
        phase: 'Ready',
        channel: 'emr',
        joined: '1/1',
        signatures: '2/2',
        signedBy: ['Provider1MSP', 'Provider2MSP'],
        chaincode: { name: 'emr', version: '1.0', sequence: 1, summary: 'emr:1' },
      });
      expect(ready.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
        'CAReady=True',
        'IdentitiesEnrolled=True',
        'PeersReady=True',
        'ChannelMembershipApproved=True',
        'ChannelUpdated=True',
        'ChannelJoined=True',
        'ChaincodeApproved=True',
        'ChaincodeCommitted=True',
        'ProviderInitialized=True',
        'GatewayReady=True',
        'Ready=True',
      ]);
      expect(await wait).toBe('medicalprovider.emr-fabric.dev/provider3 condition met\n');
      const table = await kubectl(
        'get',
        'mp',
        '-A',
        '--no-headers',
        '-o',
        'custom-columns=' + PRINTER_COLUMNS,
      );
      expect(table.split('\n').filter((line) => line.startsWith('provider3'))).toEqual([
        expect.stringMatching(/^provider3\s+Provider3MSP\s+Ready\s+emr\s+1\/1\s+emr:1\s+2\/2$/),
      ]);
      expect(await kubectl('get', 'mp', '-n', 'provider3')).toMatch(
        /^NAME\s+MSP ID\s+PHASE\s+CHANNEL\s+JOINED\s+CHAINCODE\s+SIGS\s+AGE\nprovider3\s+Provider3MSP\s+Ready\s+emr\s+1\/1\s+emr:1\s+2\/2\s+\d+s\n$/,
      );
      // The admin was not enrolled again by the second operator.
      expect(await readSecret(cluster.client, 'provider3', 'provider3-admin')).toEqual(admin);
      // Each member that signed got an audit Event on its own resource.
      for (const member of ['provider1', 'provider2']) {
        const signed = (await eventsOf(cluster.client, member, member)).filter(
          (e) => e.reason === 'SignedChannelUpdate',
        );
        expect(signed).toHaveLength(1);
        expect(signed[0]?.message).toContain('admitting Provider3MSP');
      }
      // Keys only in Secrets of the provider's namespace.
      const configMaps = await listObjects(cluster.client, CONFIG_MAPS, {
        namespace: 'provider3',
      });
      expect(JSON.stringify(configMaps.items)).not.toContain('PRIVATE KEY');
      const secrets = await listObjects(cluster.client, SECRETS, { namespace: 'provider3' });
      expect(secrets.items.map((s) => s.metadata.name).sort()).toEqual([
        'ca-provider3-registrar',
        'provider3-admin',
        'provider3-enrollments',
      ]);
      // provider4 is still refused: provider3 (Automatic) consents now, but 2 of 3 are needed and provider1 refuses.
      const provider4 = await getProvider(cluster.client, 'provider4', 'provider4');
      expect(condition(provider4, 'ChannelMembershipApproved')?.reason).toMatch(
        /ConsentRefused|AwaitingApproval/,
      );
    },
    8 * MINUTE,
  );

  it(
    'lets a healthcenter user enrolled at provider3’s CA create an EMR through provider3’s peer',
    async () => {
      const registrarPassword =
        (await readSecret(cluster.client, 'provider3', 'ca-provider3-registrar'))?.['secret'] ?? '';
      const ca = newCaClient({
        url: devnet.layout.caUrl(3),
        tlsCaCertificate:
          (await readSecret(cluster.client, 'provider3', 'provider3-admin'))?.['ca.pem'] ?? '',
        caName: 'ca-provider3',
      });
      const registrar = await ca.enroll({
        enrollmentId: 'registrar',
        secret: registrarPassword,
        mspId: 'Provider3MSP',
      });
      const secret = await ca.register(registrar, {
        enrollmentId: 'healthcenter-it',
        type: 'client',
        attributes: [{ name: 'emr.role', value: 'healthcenter', ecert: true }],
      });
      healthcenter = await ca.enroll({ enrollmentId: 'healthcenter-it', secret, mspId: 'Provider3MSP' });
      expect(await createEmrAtProvider3()).toBe(true);
    },
    3 * MINUTE,
  );

  it(
    'a restarted operator reconciles every Ready provider again: no ledger write, no transition, no Event',
    async () => {
      const height = await ledgerHeight();
      const snapshot = async (): Promise<unknown[]> => {
        const seen: unknown[] = [];
        for (const name of ['provider1', 'provider2', 'provider3']) {
          const provider = await getProvider(cluster.client, name, name);
          seen.push(
            provider?.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime]),
            (await eventsOf(cluster.client, name, name)).map((e) => [e.reason, e.count]),
          );
        }
        return seen;
      };
      const before = await snapshot();
      await operator.stop();
      operator = await startOperator('operator-3');
      await eventually(
        'three successful reconciles',
        async () => {
          const metric = await operator.metrics.registry
            .getSingleMetric('controller_runtime_reconcile_total')
            ?.get();
          const success = metric?.values.find((v) => v.labels['result'] === 'success')?.value ?? 0;
          return success >= 3;
        },
        3 * MINUTE,
      );
      expect(await ledgerHeight()).toBe(height);
      expect(await snapshot()).toEqual(before);
    },
    4 * MINUTE,
  );
  it(
    'upgrades the chaincode when a majority of members names a new version; a member naming the old one is told so',
    async () => {
      const started = Date.now();
      await Promise.all(['provider1', 'provider2'].map((name) => setChaincodeVersion(name, '2.0')));
      const committed = await eventually(
        'sequence 2 committed',
        async () => {
          const definition = await committedChaincode();
          return definition?.sequence === 2 ? definition : undefined;
        },
        3 * MINUTE,
      );
      timings['upgrade: patch to sequence 2 committed'] = Date.now() - started;
      expect(committed).toMatchObject({
        version: '2.0',
        approvals: { Provider1MSP: true, Provider2MSP: true, Provider3MSP: false },
      });
      for (const name of ['provider1', 'provider2']) {
        const ready = await waitForCondition(
          cluster.client,
          name,
          name,
          'Ready',
          'True',
          undefined,
          2 * MINUTE,
        );
        expect(ready.status?.chaincode).toMatchObject({ version: '2.0', sequence: 2, summary: 'emr:2' });
        expect(ready.status?.chaincode?.packageId).toMatch(/^emr_2\.0:[0-9a-f]{64}$/);
        // The org's chaincode server was restarted with the new package ID.
        const spec = devnet.layout.chaincodeServerSpec(
          { name, mspId: ready.spec.mspId },
          Number(name.slice(-1)),
          ready.status?.chaincode?.packageId ?? '',
        );
        expect(await devnet.supervisor.state(spec)).toBe('current');
      }
      timings['upgrade: patch to provider1+2 Ready'] = Date.now() - started;
      // provider3 still names 1.0: no downgrade proposed (nothing beyond sequence 2), a condition says what to do.
      const behind = await waitForCondition(
        cluster.client,
        'provider3',
        'provider3',
        'ChaincodeApproved',
        'False',
        'VersionBehindChannel',
        2 * MINUTE,
      );
      expect(condition(behind, 'ChaincodeApproved')?.message).toContain(
        'spec.chaincode.version 1.0 is older and the operator does not downgrade: set spec.chaincode.version to 2.0',
      );
      expect(behind.status).toMatchObject({ phase: 'Failed', chaincode: { summary: 'emr:1' } });
      expect(condition(behind, 'Ready')).toMatchObject({ status: 'False', reason: 'VersionBehindChannel' });
      expect((await committedChaincode())?.sequence).toBe(2);
    },
    6 * MINUTE,
  );

  it(
    'provider3 catches up once its spec names the new version, and its users create EMRs on sequence 2',
    async () => {
      const started = Date.now();
      await setChaincodeVersion('provider3', '2.0');
      const ready = await waitForCondition(
        cluster.client,
        'provider3',
        'provider3',
        'Ready',
        'True',
        undefined,
        3 * MINUTE,
      );
      timings['upgrade: provider3 patch to Ready'] = Date.now() - started;
      expect(ready.status?.chaincode).toMatchObject({ version: '2.0', sequence: 2, summary: 'emr:2' });
      expect(condition(ready, 'ChaincodeCommitted')?.message).toMatch(/2\.0 \(sequence 2\) is committed/);
      expect(await committedChaincode()).toMatchObject({
        sequence: 2,
        version: '2.0',
        approvals: { Provider1MSP: true, Provider2MSP: true, Provider3MSP: true },
      });
      // Endorsed by provider3's own peer: its chaincode server serves the package of sequence 2.
      expect(await createEmrAtProvider3()).toBe(true);
      const table = await kubectl(
        'get',
        'mp',
        '-A',
        '--no-headers',
        '-o',
        'custom-columns=' + PRINTER_COLUMNS,
      );
      for (const name of ['provider1', 'provider2', 'provider3']) {
        expect(table).toMatch(new RegExp(`^${name}\\s+\\S+\\s+Ready\\s+emr\\s+1/1\\s+emr:2\\b`, 'm'));
      }
    },
    5 * MINUTE,
  );
});
