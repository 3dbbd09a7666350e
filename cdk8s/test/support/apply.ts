/**
 * Applying manifests to a test API server the way `kubectl apply --server-side` does: resolve each object's
 * REST path through discovery, then PATCH with `application/apply-patch+yaml` (JSON is YAML) — optionally as a
 * dry run, with strict field validation so an unknown or misspelt field is an error, not silently dropped.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiResponse, KubeApiServer } from './kube-apiserver';

export const FIELD_MANAGER = 'emr-test';

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

interface ApiResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

export interface ApplyResult extends ApiResponse {
  readonly object: KubeObject;
  /** 200 or 201. */
  readonly ok: boolean;
}

/** Resolves kinds to REST paths through the API server's discovery documents. */
export class Discovery {
  readonly #server: KubeApiServer;
  readonly #cache = new Map<string, Map<string, ApiResourceInfo>>();

  constructor(server: KubeApiServer) {
    this.#server = server;
  }

  async resource(apiVersion: string, kind: string): Promise<ApiResourceInfo | undefined> {
    const known = (await this.#group(apiVersion, false)).get(kind);
    return known ?? (await this.#group(apiVersion, true)).get(kind);
  }

  /** `/api/v1/namespaces/ns/services/name` and friends. */
  async path(object: KubeObject): Promise<string> {
    const info = await this.resource(object.apiVersion, object.kind);
    if (!info) throw new Error(`the API server does not serve ${object.kind} in ${object.apiVersion}`);
    const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = info.namespaced ? `/namespaces/${object.metadata.namespace ?? 'default'}` : '';
    return `${base}${namespace}/${info.plural}/${object.metadata.name}`;
  }

  async #group(apiVersion: string, refresh: boolean): Promise<Map<string, ApiResourceInfo>> {
    const cached = this.#cache.get(apiVersion);
    if (cached && !refresh) return cached;
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const res = await this.#server.request('GET', path);
    const kinds = new Map<string, ApiResourceInfo>();
    if (res.status === 200) {
      const list = res.body as { resources: { name: string; kind: string; namespaced: boolean }[] };
      for (const r of list.resources) {
        if (!r.name.includes('/')) kinds.set(r.kind, { plural: r.name, namespaced: r.namespaced });
      }
    }
    this.#cache.set(apiVersion, kinds);
    return kinds;
  }
}

export interface ApplyOptions {
  /** Validate and admit, persist nothing. @default true */
  readonly dryRun?: boolean;
}

/** Server-side apply of one object; resolves with the API server's answer (never throws for HTTP errors). */
export async function apply(
  server: KubeApiServer,
  discovery: Discovery,
  object: KubeObject,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const query: Record<string, string> = {
    fieldManager: FIELD_MANAGER,
    fieldValidation: 'Strict',
    force: 'true',
  };
  if (options.dryRun ?? true) query['dryRun'] = 'All';
  const res = await server.request('PATCH', await discovery.path(object), JSON.stringify(object), {
    query,
    contentType: 'application/apply-patch+yaml',
  });
  return { ...res, object, ok: res.status === 200 || res.status === 201 };
}

/** `kind/namespace/name: status message` of a failed apply, for readable assertion output. */
export function describeFailure(result: ApplyResult): string {
  const { kind, metadata } = result.object;
  const message =
    typeof result.body === 'object' && result.body !== null && 'message' in result.body
      ? String(result.body.message)
      : JSON.stringify(result.body);
  return `${kind}/${metadata.namespace ?? '-'}/${metadata.name}: ${result.status} ${message}`;
}

/** Creates (for real) every Namespace among the objects, so namespaced objects can be dry-run into them. */
export async function createNamespaces(
  server: KubeApiServer,
  discovery: Discovery,
  objects: readonly KubeObject[],
): Promise<void> {
  const names = new Set(
    objects.filter((o) => o.metadata.namespace).map((o) => o.metadata.namespace as string),
  );
  const declared = objects.filter((o) => o.kind === 'Namespace');
  for (const ns of declared) {
    const result = await apply(server, discovery, ns, { dryRun: false });
    if (!result.ok) throw new Error(describeFailure(result));
    names.delete(ns.metadata.name);
  }
  for (const name of names) {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    const result = await apply(server, discovery, ns, { dryRun: false });
    if (!result.ok) throw new Error(describeFailure(result));
  }
}

/** Installs CRDs for real and waits until each is Established and served. */
export async function installCrds(
  server: KubeApiServer,
  discovery: Discovery,
  crds: readonly KubeObject[],
  timeoutMs = 30_000,
): Promise<void> {
  for (const crd of crds) {
    const result = await apply(server, discovery, crd, { dryRun: false });
    if (!result.ok) throw new Error(describeFailure(result));
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    while (!(await isServed(server, discovery, crd))) {
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not established in time`);
      await sleep(100);
    }
  }
}

/** Established, and its kind visible through discovery. */
async function isServed(server: KubeApiServer, discovery: Discovery, crd: KubeObject): Promise<boolean> {
  const spec = crd['spec'] as { group: string; names: { kind: string }; versions: { name: string }[] };
  const res = await server.request(
    'GET',
    `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
  );
  const conditions =
    (res.body as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
  if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
  return (
    (await discovery.resource(`${spec.group}/${spec.versions[0]?.name ?? ''}`, spec.names.kind)) !== undefined
  );
}
