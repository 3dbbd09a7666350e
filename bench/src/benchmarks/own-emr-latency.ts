import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchNetwork, BenchUser } from '../bench-network';
import { countFailures, firstLine, runConcurrently, timed } from '../load';
import type { BenchSettings } from '../settings';
import { round, summarize, type LatencySummary } from '../stats';
import { appendNotes, baselinePut, benchPatientId, createEmr, textOfSize } from '../transactions';

export interface ReadLoad {
  readonly requests: number;
  readonly failures: Record<string, number>;
  readonly throughputPerSecond: number;
  readonly latency: LatencySummary;
}

/** GetOwnEmr and, for reference, the baseline `Get` of a value of the same size, under the same load. */
export interface ReadComparison {
  readonly getOwnEmr: ReadLoad;
  readonly baselineGet: ReadLoad;
}

export interface OwnEmrResult {
  readonly clients: number;
  readonly notesPerEmr: number;
  /** Bytes of one GetOwnEmr response (the EMR with all notes), also the size of the baseline's value. */
  readonly responseBytes: number;
  /** Every client sends one request per `intervalMs` (users with think time). */
  readonly paced: ReadComparison & { readonly intervalMs: number };
  /** Every client sends its next request as soon as the previous answer arrives (a closed loop, saturation). */
  readonly backToBack: ReadComparison;
}

type Read = (user: BenchUser) => Promise<Uint8Array>;

/**
 * GetOwnEmr with `clients` patients at once, each enrolled from the CA and evaluating on its own provider's peer,
 * in two readings of "concurrent clients": paced (each client one request per interval) and back to back.
 */
export async function measureOwnEmrLatency(
  network: BenchNetwork,
  healthCenter: BenchUser,
  physician: BenchUser,
  settings: BenchSettings,
  log: (message: string) => void,
): Promise<OwnEmrResult> {
  const { clients, notesPerEmr, warmupPerClient, requestsPerClient } = settings.ownEmr;
  const { pacedIntervalMs, pacedRequestsPerClient } = settings.ownEmr;
  log(`setup: ${clients} patients with ${notesPerEmr} notes each, enrolled from the CA`);
  const patients = await runConcurrently(clients, 10, async () => {
    const patientId = benchPatientId();
    const emrId = await createEmr(healthCenter, patientId);
    await appendNotes(physician, emrId, 0, notesPerEmr, settings.noteBytes);
    return network.patient(healthCenter, patientId);
  });
  if (patients.failures.length > 0) throw new Error(`patient setup failed: ${patients.failures[0] ?? ''}`);
  const users = patients.results;
  const responseBytes = (await getOwnEmr(users[0])).length;
  await baselinePut(physician, 'own-emr-sized', textOfSize(responseBytes));
  const baselineGet: Read = (user) =>
    user.baseline.evaluate('Get', { arguments: ['own-emr-sized'], endorsingOrganizations: [user.mspId] });

  await backToBack(users, warmupPerClient, getOwnEmr);
  await backToBack(users, warmupPerClient, baselineGet);
  log(`measure: ${clients} clients, one request per ${pacedIntervalMs} ms each`);
  const paced = {
    intervalMs: pacedIntervalMs,
    getOwnEmr: await pacedLoad(users, pacedRequestsPerClient, pacedIntervalMs, getOwnEmr),
    baselineGet: await pacedLoad(users, pacedRequestsPerClient, pacedIntervalMs, baselineGet),
  };
  log(`measure: ${clients} clients back to back`);
  const saturated = {
    getOwnEmr: await backToBack(users, requestsPerClient, getOwnEmr),
    baselineGet: await backToBack(users, requestsPerClient, baselineGet),
  };
  return { clients, notesPerEmr, responseBytes, paced, backToBack: saturated };
}

/** GetOwnEmr evaluated on the patient's own provider's peer. */
function getOwnEmr(patient: BenchUser | undefined): Promise<Uint8Array> {
  if (patient === undefined) throw new Error('no patient');
  return patient.emr.evaluate('Patient:GetOwnEmr', { endorsingOrganizations: [patient.mspId] });
}

/** All clients at once, each reading back to back, `perClient` reads per client on average. */
async function backToBack(users: readonly BenchUser[], perClient: number, read: Read): Promise<ReadLoad> {
  const load = await runConcurrently(users.length * perClient, users.length, async (_, worker) => {
    const user = users[worker];
    if (user === undefined) throw new Error('no client');
    return (await timed(() => read(user))).ms;
  });
  return readLoad(load.results, load.failures, load.elapsedMs);
}

/** All clients at once, each sending one read per interval from a random start within the first interval. */
async function pacedLoad(
  users: readonly BenchUser[],
  perClient: number,
  intervalMs: number,
  read: Read,
): Promise<ReadLoad> {
  const latencies: number[] = [];
  const failures: string[] = [];
  const started = performance.now();
  await Promise.all(
    users.map(async (user) => {
      await sleep(Math.random() * intervalMs);
      for (let i = 0; i < perClient; i++) {
        const sent = performance.now();
        try {
          await read(user);
          latencies.push(performance.now() - sent);
        } catch (err) {
          failures.push(firstLine(err));
        }
        await sleep(Math.max(0, intervalMs - (performance.now() - sent)));
      }
    }),
  );
  return readLoad(latencies, failures, performance.now() - started);
}

function readLoad(latencies: readonly number[], failures: readonly string[], elapsedMs: number): ReadLoad {
  return {
    requests: latencies.length + failures.length,
    failures: countFailures(failures),
    throughputPerSecond: round((latencies.length / elapsedMs) * 1000),
    latency: summarize(latencies),
  };
}
