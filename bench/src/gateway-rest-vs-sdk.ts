import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrganizationDescription } from '@emr/network';
import type { BenchNetwork } from './bench-network';
import { roundTps, runConcurrently, throughputSide, type LoadResult, type ThroughputSide } from './load';
import { ratio, round } from './stats';
import { addEmrNote, benchPatientId, createEmr, textOfSize } from './transactions';

/** Goals of issue 5: the REST gateway costs little next to the SDK on the same devnet. */
export const GATEWAY_GOALS = {
  /** REST goodput ÷ SDK goodput, same concurrency. */
  throughputRatio: 0.9,
  /** REST median latency − SDK median latency, milliseconds. */
  addedMedianMs: 3,
} as const;

export interface RestVsSdkSettings {
  /** Transactions in flight on each side (closed loop). */
  readonly inFlight: number;
  readonly transactionsPerRound: number;
  /** Rounds alternate SDK and REST so that drift (EMR growth, ledger size) hits both alike. */
  readonly rounds: number;
  readonly noteBytes: number;
}

export function restVsSdkSettings(env: NodeJS.ProcessEnv): RestVsSdkSettings {
  const int = (name: string, fallback: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
    return value;
  };
  return {
    inFlight: int('BENCH_IN_FLIGHT', 20),
    transactionsPerRound: int('BENCH_TX_PER_ROUND', 400),
    rounds: int('BENCH_ROUNDS', 3),
    noteBytes: int('BENCH_NOTE_BYTES', 1024),
  };
}

/** One side (REST or SDK) of the comparison. */
export type RestVsSdkSide = ThroughputSide;

export interface RestVsSdkResult {
  readonly settings: RestVsSdkSettings;
  readonly sdk: RestVsSdkSide;
  readonly rest: RestVsSdkSide;
  readonly throughputRatio: number;
  readonly addedMedianMs: number;
  /** Resident memory of the gateway process (its /metrics), MiB: idle after warm-up, and the peak under load. */
  readonly gatewayMemoryMiB: { readonly atRest: number; readonly peakUnderLoad: number };
  /**
   * Where the REST side's time goes, from the gateway's own metrics over the whole run (warm-up included): mean
   * duration of the HTTP request and of the Fabric submit inside it, milliseconds.
   */
  readonly gatewayMeanMs: { readonly httpRequest: number; readonly fabricSubmit: number };
  readonly goals: typeof GATEWAY_GOALS;
}

/**
 * AddEmrNote through provider 1's REST gateway (HTTPS, keep-alive, one physician's token) against AddEmrNote
 * directly through fabric-gateway (another physician of the same org, its own gRPC connection to the same peer),
 * at the same concurrency, each slot writing its own EMR. Measures goodput, latency and the gateway's memory.
 */
export async function measureRestVsSdk(
  network: BenchNetwork,
  mspId: string,
  settings: RestVsSdkSettings,
  log: (message: string) => void,
): Promise<RestVsSdkResult> {
  const rest = await RestPhysician.start(organization(network, mspId), settings.inFlight);
  try {
    const sdkHealthCenter = await network.healthCenter(mspId);
    const sdkPhysician = await network.physician(mspId);
    const [restEmrs, sdkEmrs] = await Promise.all([
      rest.admitPatients(settings.inFlight),
      Promise.all(Array.from({ length: settings.inFlight }, () => createEmr(sdkHealthCenter))),
    ]);
    const note = (): string => textOfSize(settings.noteBytes);
    const sdkRound = (count: number): Promise<LoadResult<number>> =>
      runConcurrently(count, settings.inFlight, async (_, slot) => {
        const timing = await addEmrNote(sdkPhysician, sdkEmrs[slot] ?? '', note());
        return timing.totalMs;
      });
    const restRound = (count: number): Promise<LoadResult<number>> =>
      runConcurrently(count, settings.inFlight, (_, slot) => rest.addNote(restEmrs[slot] ?? '', note()));
    log(`REST vs SDK: warm-up (${settings.inFlight * 2} transactions each)`);
    await sdkRound(settings.inFlight * 2);
    await restRound(settings.inFlight * 2);
    await sleep(2000);
    const atRest = await rest.residentMemoryMiB();
    const sdkRounds: LoadResult<number>[] = [];
    const restRounds: LoadResult<number>[] = [];
    let peakUnderLoad = atRest;
    for (let r = 1; r <= settings.rounds; r++) {
      sdkRounds.push(await sdkRound(settings.transactionsPerRound));
      const sampling = sampleMemory(rest, (mib) => {
        peakUnderLoad = Math.max(peakUnderLoad, mib);
      });
      restRounds.push(await restRound(settings.transactionsPerRound));
      await sampling.stop();
      log(
        `REST vs SDK round ${r}/${settings.rounds}: SDK ${roundTps(sdkRounds.at(-1))} tx/s, REST ${roundTps(restRounds.at(-1))} tx/s`,
      );
    }
    const sdk = throughputSide(sdkRounds, (ms) => ms);
    const restSide = throughputSide(restRounds, (ms) => ms);
    const gatewayMeanMs = await rest.meanDurationsMs();
    return {
      settings,
      sdk,
      rest: restSide,
      throughputRatio: ratio(restSide.goodputTps, sdk.goodputTps),
      addedMedianMs: round(restSide.latency.p50 - sdk.latency.p50),
      gatewayMemoryMiB: { atRest: round(atRest), peakUnderLoad: round(peakUnderLoad) },
      gatewayMeanMs,
      goals: GATEWAY_GOALS,
    };
  } finally {
    rest.close();
  }
}

/** A table for people; the JSON result is the record. */
export function renderRestVsSdk(result: RestVsSdkResult): string {
  const row = (name: string, side: RestVsSdkSide): string =>
    `  ${name.padEnd(5)} ${String(side.goodputTps).padStart(8)} tx/s   p50 ${String(side.latency.p50).padStart(7)} ms   p95 ${String(side.latency.p95).padStart(7)} ms   failures ${Object.values(side.failures).reduce((a, b) => a + b, 0)}`;
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  return [
    `AddEmrNote, REST gateway vs SDK, ${result.settings.inFlight} in flight, ${result.settings.rounds} × ${result.settings.transactionsPerRound} transactions each`,
    row('SDK', result.sdk),
    row('REST', result.rest),
    `  throughput REST/SDK ${result.throughputRatio} (goal ≥ ${GATEWAY_GOALS.throughputRatio}: ${verdict(result.throughputRatio >= GATEWAY_GOALS.throughputRatio)})`,
    `  added median latency ${result.addedMedianMs} ms (goal ≤ ${GATEWAY_GOALS.addedMedianMs} ms: ${verdict(result.addedMedianMs <= GATEWAY_GOALS.addedMedianMs)})`,
    `  gateway memory: ${result.gatewayMemoryMiB.atRest} MiB at rest, ${result.gatewayMemoryMiB.peakUnderLoad} MiB peak under load`,
    `  inside the gateway (means): HTTP request ${result.gatewayMeanMs.httpRequest} ms, Fabric submit ${result.gatewayMeanMs.fabricSubmit} ms`,
    '',
  ].join('\n');
}

function organization(network: BenchNetwork, mspId: string): OrganizationDescription {
  const org = network.description.organizations.find((o) => o.mspId === mspId);
  if (org?.gatewayUrl === undefined)
    throw new Error(`${mspId} runs no REST gateway (is gateway/dist built?)`);
  return org;
}

/** A physician using the REST gateway over HTTPS with keep-alive connections, one per slot. */
class RestPhysician {
  private constructor(
    private readonly base: URL,
    private readonly ca: string,
    private readonly agent: Agent,
    private readonly token: string,
    private readonly healthCenterToken: string,
  ) {}

  static async start(org: OrganizationDescription, slots: number): Promise<RestPhysician> {
    const base = new URL(org.gatewayUrl ?? '');
    const ca = readFileSync(org.gatewayTlsCaCertPath ?? '', 'utf8');
    const agent = new Agent({ keepAlive: true, maxSockets: slots, ca });
    const call = (method: string, path: string, body: object, token?: string): Promise<Answer> =>
      send(agent, base, ca, { method, path, body, token });
    const login = async (username: string, password: string): Promise<string> =>
      (await expectStatus(call('POST', '/api/v1/auth/login', { username, password }), 200)).body[
        'token'
      ] as string;
    const admin = await login(org.ca.bootstrapAdmin.enrollmentId, org.ca.bootstrapAdmin.secret);
    const staff = async (role: 'healthcenter' | 'physician'): Promise<string> => {
      const username = `bench-rest-${role}-${Date.now().toString(36)}`;
      const registered = await expectStatus(call('POST', '/api/v1/users', { username, role }, admin), 201);
      return login(username, registered.body['enrollmentSecret'] as string);
    };
    return new RestPhysician(base, ca, agent, await staff('physician'), await staff('healthcenter'));
  }

  async admitPatients(count: number): Promise<string[]> {
    const emrIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const admitted = await expectStatus(
        this.#call('POST', '/api/v1/patients', this.healthCenterToken, {
          patientId: benchPatientId(),
          name: 'Bench Patient',
          birthDate: '1970-01-01',
        }),
        201,
      );
      emrIds.push(admitted.body['emrId'] as string);
    }
    return emrIds;
  }

  /** One AddEmrNote through the API; resolves with its duration in milliseconds. */
  async addNote(emrId: string, text: string): Promise<number> {
    const started = performance.now();
    await expectStatus(this.#call('POST', `/api/v1/emrs/${emrId}/notes`, this.token, { text }), 201);
    return performance.now() - started;
  }

  async residentMemoryMiB(): Promise<number> {
    return (await this.#metric('process_resident_memory_bytes')) / 2 ** 20;
  }

  /** Mean durations of the note route and of the AddEmrNote submit, from the gateway's histograms. */
  async meanDurationsMs(): Promise<{ httpRequest: number; fabricSubmit: number }> {
    const http =
      'http_request_duration_seconds_{}{method="POST",route="/api/v1/emrs/:emrId/notes",status_code="201"}';
    const fabric = 'fabric_transaction_duration_seconds_{}{transaction="Physician:AddEmrNote",kind="submit"}';
    const mean = async (series: string): Promise<number> =>
      round(
        ((await this.#metric(series.replace('{}', 'sum'))) /
          (await this.#metric(series.replace('{}', 'count')))) *
          1000,
      );
    return { httpRequest: await mean(http), fabricSubmit: await mean(fabric) };
  }

  async #metric(series: string): Promise<number> {
    const metrics = await send(this.agent, this.base, this.ca, { method: 'GET', path: '/metrics' });
    const line = metrics.text.split('\n').find((text) => text.startsWith(`${series} `));
    if (line === undefined) throw new Error(`the gateway exposes no ${series}`);
    return Number(line.slice(series.length + 1));
  }

  close(): void {
    this.agent.destroy();
  }

  #call(method: string, path: string, token: string, body?: object): Promise<Answer> {
    return send(this.agent, this.base, this.ca, {
      method,
      path,
      token,
      ...(body === undefined ? {} : { body }),
    });
  }
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: Record<string, unknown>;
}

function send(
  agent: Agent,
  base: URL,
  ca: string,
  options: { method: string; path: string; body?: object; token?: string },
): Promise<Answer> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = {
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
  };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      new URL(options.path, base),
      { method: options.method, headers, agent, ca },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const json = (res.headers['content-type'] ?? '').includes('json');
          resolve({
            status: res.statusCode ?? 0,
            text,
            body: json ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

async function expectStatus(answer: Promise<Answer>, status: number): Promise<Answer> {
  const received = await answer;
  if (received.status !== status) {
    const code =
      typeof received.body['code'] === 'string' ? received.body['code'] : received.text.slice(0, 200);
    throw new Error(`HTTP ${received.status} ${code}`);
  }
  return received;
}

/** Reads the gateway's memory every 250 ms until stopped. */
function sampleMemory(rest: RestPhysician, observe: (mib: number) => void): { stop(): Promise<void> } {
  const state = { running: true };
  const loop = (async (): Promise<void> => {
    while (state.running) {
      observe(await rest.residentMemoryMiB());
      await sleep(250);
    }
  })();
  return {
    async stop() {
      state.running = false;
      await loop;
    },
  };
}
