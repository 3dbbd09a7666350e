/** The few Kubernetes object shapes the operator reads and writes. */

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly finalizers?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
}

export interface KubeList<T> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items: readonly T[];
}

/** A watch event as the API server streams it, one JSON object per line. */
export interface WatchEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: T;
}

/** metav1.Status, the body of every error answer (and of watch ERROR events). */
export interface Status {
  readonly kind: 'Status';
  readonly status?: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
}

export interface Secret extends KubeObject {
  readonly data?: Readonly<Record<string, string>>;
  readonly type?: string;
}

/** Where a kind is served: core (`group` '') or a named group. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export const SECRETS: ResourceType = { group: '', version: 'v1', plural: 'secrets', namespaced: true };
export const CONFIG_MAPS: ResourceType = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };
export const EVENTS: ResourceType = { group: '', version: 'v1', plural: 'events', namespaced: true };
export const LEASES: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  namespaced: true,
};

/** apiVersion of a resource type: `v1` or `group/version`. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/**
 * REST path of a collection (no name) or object: `/api/v1/namespaces/ns/secrets/name`,
 * `/apis/group/version/plural` for every namespace, plus an optional subresource such as `status`.
 */
export function resourcePath(
  type: ResourceType,
  location: { readonly namespace?: string; readonly name?: string; readonly subresource?: string } = {},
): string {
  const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const namespace =
    type.namespaced && location.namespace !== undefined
      ? `/namespaces/${encodeURIComponent(location.namespace)}`
      : '';
  const name = location.name === undefined ? '' : `/${encodeURIComponent(location.name)}`;
  const sub = location.subresource === undefined ? '' : `/${location.subresource}`;
  return `${base}${namespace}/${type.plural}${name}${sub}`;
}
