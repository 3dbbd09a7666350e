/**
 * Just enough of the Kubernetes API over plain HTTPS with a bearer token: get, list, server-side apply, delete,
 * and polling. No client library: the cluster scripts run before any workspace dependency is needed.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClusterError } from './exec';

export interface HttpOptions {
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly token?: string;
  /** Accept any server certificate (the controller-manager's and scheduler's self-signed serving certs). */
  readonly insecure?: boolean;
  readonly method?: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export function httpCall(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        rejectUnauthorized: options.insecure !== true,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`timeout calling ${url}`)));
    req.once('error', reject);
    req.end(options.body);
  });
}

export async function httpOk(url: string, options: HttpOptions = {}): Promise<boolean> {
  try {
    return (await httpCall(url, { timeoutMs: 2000, ...options })).status === 200;
  } catch {
    return false;
  }
}

/** A Kubernetes object as far as these scripts care. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

const PLURALS: Readonly<Record<string, string>> = {
  Namespace: 'namespaces',
  ServiceAccount: 'serviceaccounts',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  Service: 'services',
  Pod: 'pods',
  Node: 'nodes',
  Deployment: 'deployments',
  Job: 'jobs',
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  PersistentVolume: 'persistentvolumes',
  StorageClass: 'storageclasses',
};

export function objectPath(apiVersion: string, kind: string, name?: string, namespace?: string): string {
  const plural = PLURALS[kind];
  if (!plural) throw new ClusterError(`kube-client does not know the resource of kind ${kind}`);
  const group = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = namespace ? `/namespaces/${namespace}` : '';
  return `${group}${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export class KubeClient {
  constructor(
    readonly server: string,
    readonly ca: string | Buffer,
    readonly token: string,
  ) {}

  async call(method: string, path: string, body?: unknown, contentType?: string): Promise<HttpResponse> {
    return httpCall(`${this.server}${path}`, {
      method,
      ca: this.ca,
      token: this.token,
      body: body === undefined ? undefined : JSON.stringify(body),
      contentType,
    });
  }

  async get<T = KubeObject>(path: string): Promise<T | undefined> {
    const response = await this.call('GET', path);
    if (response.status === 404) return undefined;
    if (response.status !== 200) {
      throw new ClusterError(`GET ${path}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    }
    return JSON.parse(response.body) as T;
  }

  async list<T = KubeObject>(path: string): Promise<T[]> {
    const list = await this.get<{ items: T[] }>(path);
    return list?.items ?? [];
  }

  /** Server-side apply under our field manager. */
  async apply(object: KubeObject, fieldManager = 'emr-cluster'): Promise<void> {
    const path = objectPath(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
    const response = await this.call(
      'PATCH',
      `${path}?fieldManager=${fieldManager}&force=true`,
      object,
      'application/apply-patch+yaml',
    );
    if (response.status !== 200 && response.status !== 201) {
      throw new ClusterError(
        `apply ${object.kind}/${object.metadata.name}: HTTP ${response.status} ${response.body.slice(0, 300)}`,
      );
    }
  }

  /** JSON merge patch (RFC 7386): `null` removes a field. */
  async mergePatch(path: string, patch: unknown): Promise<void> {
    const response = await this.call('PATCH', path, patch, 'application/merge-patch+json');
    if (response.status !== 200 && response.status !== 404) {
      throw new ClusterError(`PATCH ${path}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    }
  }

  async delete(path: string, gracePeriodSeconds?: number): Promise<boolean> {
    const query = gracePeriodSeconds === undefined ? '' : `?gracePeriodSeconds=${gracePeriodSeconds}`;
    const response = await this.call('DELETE', `${path}${query}`);
    if (response.status === 404) return false;
    if (response.status !== 200 && response.status !== 202) {
      throw new ClusterError(`DELETE ${path}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    }
    return true;
  }

  async reachable(): Promise<boolean> {
    return httpOk(`${this.server}/readyz`, { ca: this.ca, token: this.token });
  }
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(intervalMs);
  }
  throw new ClusterError(
    `${what} did not happen within ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ''}`,
  );
}
