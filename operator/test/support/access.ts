/**
 * What the operator asks of the API server, in RBAC's terms: each request its client sends turned into the
 * attributes the authorizer checks (verb, API group, resource, subresource, namespace), the way kube-apiserver's
 * request-info resolver derives them from the method and path. Used to compare what the operator did with what
 * its chart grants.
 */
import type { KubeClient, Query } from '../../src/kube/client';
import { KubeApiError } from '../../src/kube/errors';

export interface Access {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource: string;
  /** '' for cluster-scoped resources and for requests across every namespace. */
  readonly namespace: string;
}

/** `verb group/resource[/subresource] in namespace`, e.g. `patch emr-fabric.dev/medicalproviders/status in p3`. */
export function describeAccess(access: Access): string {
  const resource = `${access.group === '' ? 'core' : access.group}/${access.resource}${access.subresource ? `/${access.subresource}` : ''}`;
  return `${access.verb} ${resource}${access.namespace ? ` in ${access.namespace}` : ' (cluster-wide)'}`;
}

export function accessOf(method: string, path: string, query: Query = {}): Access {
  const { group, namespace, rest } = splitPath(path);
  const [resource = '', name, subresource = ''] = rest;
  const verb = verbOf(method.toUpperCase(), name !== undefined, isWatch(query));
  return { verb, group, resource, subresource, namespace };
}

/** `/api/v1/…` (core) or `/apis/<group>/<version>/…`, then `namespaces/<ns>/` unless it is cluster-scoped. */
function splitPath(path: string): { group: string; namespace: string; rest: string[] } {
  const segments = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  const core = segments[0] !== 'apis';
  const rest = segments.slice(core ? 2 : 3);
  const group = core ? '' : (segments[1] ?? '');
  // `namespaces/<name>` alone is the Namespace object itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return { group, namespace: rest[1] ?? '', rest: rest.slice(2) };
  }
  return { group, namespace: '', rest };
}

function isWatch(query: Query): boolean {
  const watch = query['watch'];
  return watch === true || watch === 'true' || watch === '1';
}

function verbOf(method: string, named: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
      return watch ? 'watch' : named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      throw new Error(`no RBAC verb for HTTP ${method}`);
  }
}

/** What a recording client saw: every access, and those the API server refused (403). */
export interface AccessLog {
  readonly used: Map<string, Access>;
  readonly forbidden: string[];
}

export function newAccessLog(): AccessLog {
  return { used: new Map(), forbidden: [] };
}

/** A client that notes every access before passing the request on unchanged, and every 403 answer. */
export function recordingClient(inner: KubeClient, log: AccessLog): KubeClient {
  const note = <T>(
    method: string,
    path: string,
    query: Query | undefined,
    send: () => Promise<T>,
  ): Promise<T> => {
    const access = accessOf(method, path, query);
    log.used.set(describeAccess(access), access);
    return send().catch((error: unknown) => {
      if (error instanceof KubeApiError && error.status === 403) log.forbidden.push(describeAccess(access));
      throw error;
    });
  };
  return {
    server: inner.server,
    request: (method, path, spec) => note(method, path, spec?.query, () => inner.request(method, path, spec)),
    get: (path, query) => note('GET', path, query, () => inner.get(path, query)),
    watch: (path, query, onEvent, signal) =>
      note('GET', path, { ...query, watch: true }, () => inner.watch(path, query, onEvent, signal)),
  };
}
