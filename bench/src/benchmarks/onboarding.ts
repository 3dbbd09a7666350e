/**
 * Issue 8's goal: a MedicalProvider applied → Ready in under 60 s on devnet, by step. The operator (devnet
 * runtime, default backoff and wait intervals) reconciles against a real kube-apiserver; the baseline is the same
 * Fabric work without the operator, `devnet add-provider` through the network library, on the same network in
 * the same run. Repetitions alternate the two paths (operator N, library N+1, then library N+2, operator N+3, …)
 * so that the channel growing by one org per onboarding weighs on both alike. After each onboarding the new
 * provider is handed to the other path, untimed: a library-added one adopted as a MedicalProvider (its members
 * must know it to vote), an operator-added one's admin written where devnet looks for a member's signer.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Devnet, devnetOptions, newProgress, writeLocalMsp, type Progress } from '@emr/network';
import {
  CONDITION_TYPES,
  EMR_NETWORKS,
  MEDICAL_PROVIDER_API_VERSION,
  MEDICAL_PROVIDERS,
  newDevnetRuntime,
  Operator,
  newLogger,
  SILENT,
  type KubeClient,
  type MedicalProvider,
} from '@emr/operator';
import { createObject } from '@emr/operator/dist/kube/resources';
import { createSecret as putSecret, readSecret } from '@emr/operator/dist/kube/secret-store';
import { resourcePath, type KubeObject } from '@emr/operator/dist/kube/types';
import { startBenchApiServer } from '../onboarding/api-server';
import { breakDown, medianBreakdown, type OnboardingBreakdown, type StepRun } from '../onboarding/breakdown';
import { newStepTimer, type StepTimer } from '../onboarding/step-timer';
import { median, ratio, round } from '../stats';
import type { Teardown } from '../teardown';

export const ONBOARDING_GOAL_SECONDS = 60;

export const ONBOARDING_TOPOLOGY =
  'devnet on one host: 3 Raft orderers, 2 provider orgs at the start, one more per onboarding (1 peer, a Node.js ' +
  'chaincode-as-a-service server and a REST gateway each; TLS everywhere); etcd + kube-apiserver 1.35 of the ' +
  "tests; the operator in the benchmark's process with the devnet runtime";

export interface OnboardingSettings {
  readonly portBase: number;
  /** Pairs of onboardings (one through the operator, one through the library). */
  readonly repetitions: number;
  /** Where the operator's log lines go (debug level); none when undefined. */
  readonly operatorLog?: (line: string) => void;
}

export interface OperatorOnboarding {
  readonly provider: string;
  readonly breakdown: OnboardingBreakdown;
  /** Each condition's lastTransitionTime − the resource's creationTimestamp (s; both have 1 s resolution). */
  readonly conditionTrueAfterSeconds: Readonly<Record<string, number>>;
  /** Every step run between the apply and Ready, in ms since the apply: the figures above come from these. */
  readonly runs: readonly StepRun[];
}

export interface LibraryOnboarding {
  readonly provider: string;
  readonly totalMs: number;
  /** devnet's own progress steps, in order. */
  readonly steps: readonly { readonly title: string; readonly ms: number }[];
}

export interface OnboardingResult {
  readonly goalSeconds: number;
  readonly repetitions: number;
  readonly operator: readonly OperatorOnboarding[];
  readonly library: readonly LibraryOnboarding[];
  readonly median: { readonly operator: OnboardingBreakdown; readonly libraryMs: number };
  /** Median operator onboarding ÷ median library onboarding. */
  readonly ratio: number;
}

const NETWORK = { name: 'emr', namespace: 'emr-orderer' } as const;
const READY_TIMEOUT_MS = 5 * 60_000;

/** Everything it starts is registered with `teardown`, which the caller runs (also on Ctrl-C). */
export async function measureOnboarding(
  settings: OnboardingSettings,
  teardown: Teardown,
  log: (message: string) => void,
): Promise<OnboardingResult> {
  const libraryProgress = recordingProgress(newProgress('onboarding devnet'));
  const options = devnetOptions({
    root: mkdtempSync(join(tmpdir(), 'emr-bench-onboarding-')),
    portBase: settings.portBase,
    providers: 2,
  });
  const devnet = new Devnet({ ...options, progress: libraryProgress });
  const lastIndex = 2 + 2 * settings.repetitions;
  const providers = Array.from({ length: lastIndex }, (_, i) => `provider${i + 1}`);
  teardown.add(() => devnet.down());
  await devnet.up();
  const api = await startBenchApiServer([NETWORK.namespace, ...providers]);
  teardown.add(() => api.stop());
  const { client } = api;
  await createEmrNetwork(client);
  for (const name of ['provider1', 'provider2']) await adopt(client, devnet, name);
  const timer = newStepTimer();
  const operator = new Operator({
    client,
    runtime: newDevnetRuntime({
      devnet,
      ...(options.gatewayScript === undefined ? {} : { gatewayScript: options.gatewayScript }),
    }),
    identity: 'bench-operator',
    logger: settings.operatorLog === undefined ? SILENT : newLogger('debug', settings.operatorLog),
    steps: timer.steps,
  });
  teardown.add(() => operator.stop());
  await operator.start();
  for (const name of ['provider1', 'provider2']) await waitUntilReady(client, name);
  log('adopted provider1 and provider2');

  const operatorRuns: OperatorOnboarding[] = [];
  const libraryRuns: LibraryOnboarding[] = [];
  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    const first = 3 + 2 * repetition;
    const order = repetition % 2 === 0 ? ['operator', 'library'] : ['library', 'operator'];
    for (const [offset, path] of order.entries()) {
      const index = first + offset;
      const name = `provider${index}`;
      if (path === 'operator') {
        const run = await onboardWithOperator(client, timer, name);
        operatorRuns.push(run);
        log(`${name} through the operator: ${round(run.breakdown.totalMs / 1000)} s`);
        await handAdminToDevnet(client, devnet, name);
      } else {
        const run = await onboardWithLibrary(devnet, libraryProgress, index);
        libraryRuns.push(run);
        log(`${name} through devnet add-provider: ${round(run.totalMs / 1000)} s`);
        await adopt(client, devnet, name);
        await waitUntilReady(client, name);
      }
    }
  }
  const operatorMedian = medianBreakdown(operatorRuns.map((r) => r.breakdown));
  const libraryMs = median(libraryRuns.map((r) => r.totalMs));
  return {
    goalSeconds: ONBOARDING_GOAL_SECONDS,
    repetitions: settings.repetitions,
    operator: operatorRuns,
    library: libraryRuns,
    median: { operator: operatorMedian, libraryMs },
    ratio: ratio(operatorMedian.totalMs, libraryMs),
  };
}

async function onboardWithOperator(
  client: KubeClient,
  timer: StepTimer,
  name: string,
): Promise<OperatorOnboarding> {
  await putSecret(client, name, `ca-${name}-registrar`, { secret: randomBytes(12).toString('hex') });
  const appliedMs = performance.now();
  await createObject(client, MEDICAL_PROVIDERS, providerObject(name));
  const ready = await waitUntilReady(client, name);
  const readyMs = performance.now();
  const created = Date.parse(ready.metadata.creationTimestamp ?? '');
  const runs = timer.runsOf(`${name}/${name}`);
  return {
    provider: name,
    breakdown: breakDown(CONDITION_TYPES, runs, appliedMs, readyMs),
    runs: runs
      .filter((run) => run.endMs <= readyMs)
      .map((run) => ({
        ...run,
        startMs: Math.round(run.startMs - appliedMs),
        endMs: Math.round(run.endMs - appliedMs),
      })),
    conditionTrueAfterSeconds: Object.fromEntries(
      (ready.status?.conditions ?? []).map((c) => [
        c.type,
        (Date.parse(c.lastTransitionTime) - created) / 1000,
      ]),
    ),
  };
}

async function onboardWithLibrary(
  devnet: Devnet,
  progress: RecordingProgress,
  index: number,
): Promise<LibraryOnboarding> {
  const firstStep = progress.steps.length;
  const started = performance.now();
  await devnet.addProvider(index);
  return {
    provider: `provider${index}`,
    totalMs: performance.now() - started,
    steps: progress.steps.slice(firstStep),
  };
}

/** What a platform engineer does to bring a running provider under the operator (operator/README.md). */
async function adopt(client: KubeClient, devnet: Devnet, name: string): Promise<void> {
  const registrar = await devnet.secrets.get({ name: `ca-${name}`, key: 'registrar-secret' });
  if (registrar === undefined) throw new Error(`devnet has no registrar secret for ${name}`);
  await putSecret(client, name, `ca-${name}-registrar`, { secret: registrar });
  const dir = join(devnet.layout.secretsDir(), `${name}-enrollments`);
  const enrollments: Record<string, string> = {};
  for (const key of await readdir(dir)) enrollments[key] = await readFile(join(dir, key), 'utf8');
  await putSecret(client, name, `${name}-enrollments`, enrollments);
  await createObject(client, MEDICAL_PROVIDERS, providerObject(name));
}

/** devnet signs channel updates with the admin MSP of every org folder that has one. */
async function handAdminToDevnet(client: KubeClient, devnet: Devnet, name: string): Promise<void> {
  const admin = await readSecret(client, name, `${name}-admin`);
  const mspId = mspIdOf(name);
  if (admin?.['cert.pem'] === undefined || admin['key.pem'] === undefined || admin['ca.pem'] === undefined)
    throw new Error(`Secret ${name}/${name}-admin is incomplete`);
  await writeLocalMsp(join(devnet.layout.orgDir({ name, mspId }), 'admin', 'msp'), {
    identity: { mspId, certificate: admin['cert.pem'], privateKey: admin['key.pem'] },
    caCertificate: admin['ca.pem'],
    tlsCaCertificate: admin['ca.pem'],
    nodeOUs: true,
  });
}

const mspIdOf = (name: string): string => `P${name.slice(1)}MSP`;

function providerObject(name: string): KubeObject {
  return {
    apiVersion: MEDICAL_PROVIDER_API_VERSION,
    kind: 'MedicalProvider',
    metadata: { name, namespace: name },
    spec: {
      mspId: mspIdOf(name),
      displayName: `${name} hospital`,
      network: NETWORK,
      ca: { registrarSecretRef: { name: `ca-${name}-registrar` } },
      consentPolicy: { mode: 'Automatic' },
    },
  } as KubeObject;
}

async function createEmrNetwork(client: KubeClient): Promise<void> {
  await createObject(client, EMR_NETWORKS, {
    apiVersion: MEDICAL_PROVIDER_API_VERSION,
    kind: 'EmrNetwork',
    metadata: NETWORK,
    spec: {
      ordererOrg: { caRegistrarSecretRef: { name: 'ca-orderer-registrar' } },
      // devnet formed the channel with these two; no EmrNetwork controller runs here.
      foundingMembers: ['Provider1MSP', 'Provider2MSP'],
    },
  } as KubeObject);
}

/** Polls every 100 ms: fine-grained enough for onboardings of tens of seconds, light on the API server. */
async function waitUntilReady(client: KubeClient, name: string): Promise<MedicalProvider> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    const provider = await client.get<MedicalProvider>(
      resourcePath(MEDICAL_PROVIDERS, { namespace: name, name }),
    );
    if (provider?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return provider;
    if (performance.now() > deadline) {
      throw new Error(
        `${name} not Ready after ${READY_TIMEOUT_MS / 1000} s: ${JSON.stringify(provider?.status ?? {})}`,
      );
    }
    await sleep(100);
  }
}

interface RecordingProgress extends Progress {
  readonly steps: { readonly title: string; readonly ms: number }[];
}

/** devnet's progress output as before, plus each step's duration for the library's own breakdown. */
function recordingProgress(inner: Progress): RecordingProgress {
  const steps: { title: string; ms: number }[] = [];
  return {
    steps,
    info: (message) => {
      inner.info(message);
    },
    step: async (title, work, describe) => {
      const started = performance.now();
      const result = await inner.step(title, work, describe);
      steps.push({ title, ms: Math.round(performance.now() - started) });
      return result;
    },
  };
}
