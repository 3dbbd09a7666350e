import { setTimeout as sleep } from 'node:timers/promises';
import { ProblemError } from '../errors/problem';
import { toProblem } from '../errors/to-problem';
import type { LedgerCaller } from '../fabric/ledger';
import type { RequestIndex } from '../store/store';
import type { EmrService, Submitted } from './emr-service';
import { canonicalPatientId } from './patient-admission';
import type { PublicRequestView, SharedEmrView } from './schemas';

/**
 * Access requests to other providers and the audited shared read (chaincode/README.md, "Sharing an EMR"). The
 * requester's request views name no patient, so the gateway remembers which patient each request it sent was
 * for (a keyed hash of the id), to find the request behind "the EMR of patient P at provider O".
 */
export class SharedRecords {
  constructor(
    private readonly emr: EmrService,
    private readonly requests: RequestIndex,
    private readonly patientKey: (canonicalPatientId: string) => string,
  ) {}

  async requestAccess(
    caller: LedgerCaller,
    ownerMsp: string,
    patientId: string,
  ): Promise<Submitted<PublicRequestView>> {
    const request = await this.emr.requestAccess(caller, ownerMsp, patientId);
    await this.requests.put({
      requestId: request.requestId,
      ownerMsp,
      patientKey: this.patientKey(canonicalPatientId(patientId)),
      createdAt: request.createdAt,
    });
    return request;
  }

  /**
   * The EMR of `patientId` as shared by `ownerMsp`: the newest granted request for it made through this gateway,
   * else the newest request of any status (the chaincode then says why it is not readable).
   */
  async readByPatient(caller: LedgerCaller, ownerMsp: string, patientId: string): Promise<SharedEmrView> {
    const candidates = await this.requests.requestIdsOf(
      ownerMsp,
      this.patientKey(canonicalPatientId(patientId)),
    );
    if (candidates.length === 0) {
      throw new ProblemError(
        'NO_GRANTED_REQUEST',
        `No access request for this patient was sent to ${ownerMsp} from here`,
      );
    }
    const known = new Set(candidates);
    const views = (await this.emr.requesterRequests(caller)).filter(
      (view) => view.ownerMsp === ownerMsp && known.has(view.requestId),
    );
    const newestFirst = views.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const chosen = newestFirst.find((view) => view.status === 'GRANTED') ?? newestFirst[0];
    if (chosen === undefined) {
      throw new ProblemError(
        'NO_GRANTED_REQUEST',
        `No access request for this patient at ${ownerMsp} is visible`,
      );
    }
    return this.read(caller, ownerMsp, chosen.requestId);
  }

  /** The EMR shared under `requestId`, which the caller's org sent. */
  async readByRequest(caller: LedgerCaller, requestId: string): Promise<SharedEmrView> {
    const view = (await this.emr.requesterRequests(caller)).find(
      (request) => request.requestId === requestId,
    );
    if (view === undefined) {
      throw new ProblemError('NOT_FOUND', 'Your organization sent no access request with this id');
    }
    return this.read(caller, view.ownerMsp, requestId);
  }

  /**
   * Submit the audit record on the owner's peer, then evaluate the read there with its id. The commit status
   * comes from the caller's own peer; the owner's peer may commit that block a moment later, so a read that does
   * not find the audit record yet is repeated briefly.
   */
  private async read(caller: LedgerCaller, ownerMsp: string, requestId: string): Promise<SharedEmrView> {
    const { auditId } = await this.emr.logSharedAccess(caller, ownerMsp, requestId);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.emr.sharedEmr(caller, ownerMsp, requestId, auditId);
      } catch (err) {
        if (!isAuditNotYetCommitted(err) || attempt >= AUDIT_VISIBILITY_ATTEMPTS) throw err;
        await sleep(AUDIT_VISIBILITY_DELAY_MS);
      }
    }
  }
}

const AUDIT_VISIBILITY_ATTEMPTS = 30;
const AUDIT_VISIBILITY_DELAY_MS = 100;

function isAuditNotYetCommitted(err: unknown): boolean {
  const problem = toProblem(err);
  return problem.code === 'NOT_FOUND' && problem.message.includes('no committed access record');
}
