import type { Status } from './types';

/** An error answer of the API server, with its HTTP status and metav1.Status reason (NotFound, Conflict, …). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';

  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }

  static from(method: string, path: string, status: number, body: unknown): KubeApiError {
    const parsed = (typeof body === 'object' && body !== null ? body : {}) as Partial<Status>;
    const reason = parsed.reason ?? (status === 404 ? 'NotFound' : `HTTP${status}`);
    const message = parsed.message ?? (typeof body === 'string' ? body.slice(0, 500) : '');
    return new KubeApiError(status, reason, `${method} ${path}: ${status} ${reason}: ${message}`, body);
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409;
}

/** 410 Gone: a watch or list from a resourceVersion the server no longer keeps. */
export function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 410;
}
