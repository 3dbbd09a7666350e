import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { StatusCode, type Contract, type ProposalOptions } from '@hyperledger/fabric-gateway';
import type { BenchUser } from './bench-network';

/** Time to endorse (chaincode simulation on the endorsing peer) and to commit (endorse + order + validate). */
export interface SubmitTiming {
  readonly endorseMs: number;
  readonly totalMs: number;
}

/** Endorses, submits and waits for the commit status; throws unless the transaction committed valid. */
export async function timedSubmit(
  contract: Contract,
  transaction: string,
  options: ProposalOptions,
): Promise<SubmitTiming> {
  const started = performance.now();
  const endorsed = await contract.newProposal(transaction, options).endorse();
  const endorsedAt = performance.now();
  const status = await (await endorsed.submit()).getStatus();
  if (!status.successful) {
    const code = Object.entries(StatusCode).find(([, value]) => value === status.code)?.[0];
    throw new Error(`${transaction} committed invalid: ${code ?? String(status.code)}`);
  }
  return { endorseMs: endorsedAt - started, totalMs: performance.now() - started };
}

/** A fictitious, unique patient id (the benchmark never uses real data). */
export function benchPatientId(): string {
  return `B-${randomBytes(6).toString('hex')}`;
}

/** ASCII text of exactly `bytes` bytes. */
export function textOfSize(bytes: number): string {
  const prefix = `note ${randomBytes(4).toString('hex')} `;
  return (prefix + 'x'.repeat(Math.max(0, bytes - prefix.length))).slice(0, bytes);
}

/** CreateEmr of a fictitious patient; returns the EMR id. */
export async function createEmr(healthCenter: BenchUser, patientId = benchPatientId()): Promise<string> {
  const patient = { patientId, name: 'Bench Patient', birthDate: '1970-01-01' };
  const result = await healthCenter.emr.submit('HealthCenter:CreateEmr', {
    transientData: { patient: JSON.stringify(patient) },
    endorsingOrganizations: [healthCenter.mspId],
  });
  return (JSON.parse(Buffer.from(result).toString('utf8')) as { emrId: string }).emrId;
}

/** AddEmrNote as the gateway sends it: EMR id as argument, note in transient data, endorsed by the own org. */
export function addEmrNote(physician: BenchUser, emrId: string, text: string): Promise<SubmitTiming> {
  return timedSubmit(physician.emr, 'Physician:AddEmrNote', {
    arguments: [emrId],
    transientData: { note: JSON.stringify({ text }) },
    endorsingOrganizations: [physician.mspId],
  });
}

/** The baseline: a bare public write of `value` under a new key, through the same client and peer. */
export function baselinePut(user: BenchUser, key: string, value: string): Promise<SubmitTiming> {
  return timedSubmit(user.baseline, 'Put', {
    arguments: [key],
    transientData: { value },
    endorsingOrganizations: [user.mspId],
  });
}

/** Appends notes one after another until the EMR holds `target` notes; returns each append's timing. */
export async function appendNotes(
  physician: BenchUser,
  emrId: string,
  from: number,
  target: number,
  noteBytes: number,
): Promise<SubmitTiming[]> {
  const timings: SubmitTiming[] = [];
  for (let count = from; count < target; count++) {
    timings.push(await addEmrNote(physician, emrId, textOfSize(noteBytes)));
  }
  return timings;
}
