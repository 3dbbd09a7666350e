/** The writes the operator makes, each with its content type and the operator's field manager. */
import { FIELD_MANAGER } from '../api/medical-provider';
import type { KubeClient } from './client';
import { isConflict, isNotFound } from './errors';
import { apiVersionOf, resourcePath, type KubeObject, type KubeList, type ResourceType } from './types';

export interface ApplyOptions {
  /** Take over fields another manager owns. The operator forces only on objects and status it owns. */
  readonly force?: boolean;
  readonly subresource?: 'status';
}

/**
 * Server-side apply (`application/apply-patch+yaml`; JSON is YAML) under the operator's field manager, with strict
 * field validation so that a misspelt field is an error rather than silently dropped.
 */
export function applyObject<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  object: KubeObject,
  options: ApplyOptions = {},
): Promise<T> {
  const { namespace, name } = object.metadata;
  if (name === undefined) throw new Error(`cannot apply a ${object.kind} without a name`);
  return client.request<T>(
    'PATCH',
    resourcePath(type, {
      namespace,
      name,
      ...(options.subresource ? { subresource: options.subresource } : {}),
    }),
    {
      query: { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict', force: options.force ?? true },
      body: JSON.stringify({ ...object, apiVersion: apiVersionOf(type) }),
      contentType: 'application/apply-patch+yaml',
    },
  );
}

/** JSON merge patch (RFC 7386), e.g. to add one key to a Secret's data without owning the others. */
export function mergePatch<T>(
  client: KubeClient,
  type: ResourceType,
  location: { readonly namespace?: string; readonly name: string },
  patch: unknown,
): Promise<T> {
  return client.request<T>('PATCH', resourcePath(type, location), {
    query: { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' },
    body: patch,
    contentType: 'application/merge-patch+json',
  });
}

export function createObject<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  object: KubeObject,
): Promise<T> {
  return client.request<T>('POST', resourcePath(type, { namespace: object.metadata.namespace }), {
    query: { fieldManager: FIELD_MANAGER, fieldValidation: 'Strict' },
    body: { ...object, apiVersion: apiVersionOf(type) },
  });
}

/** Deletes; an object already gone is success. */
export async function deleteObject(
  client: KubeClient,
  type: ResourceType,
  location: { readonly namespace?: string; readonly name: string },
): Promise<'deleted' | 'absent'> {
  try {
    await client.request('DELETE', resourcePath(type, location), {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
    });
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'absent';
    throw error;
  }
}

/** Every object of a type (in a namespace, or all), following `continue` tokens. */
export async function listObjects(
  client: KubeClient,
  type: ResourceType,
  options: { readonly namespace?: string; readonly labelSelector?: string } = {},
): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const items: KubeObject[] = [];
  const path = resourcePath(type, { namespace: options.namespace });
  const query = { limit: 500, labelSelector: options.labelSelector };
  let page = await client.request<KubeList<KubeObject>>('GET', path, { query });
  items.push(...page.items);
  while (page.metadata.continue !== undefined && page.metadata.continue !== '') {
    page = await client.request<KubeList<KubeObject>>('GET', path, {
      query: { ...query, continue: page.metadata.continue },
    });
    items.push(...page.items);
  }
  return { items, resourceVersion: page.metadata.resourceVersion ?? '' };
}

/** Creates, or when it exists already, applies `patch` as a merge patch. */
export async function createOrMergePatch(
  client: KubeClient,
  type: ResourceType,
  object: KubeObject,
  patch: unknown,
): Promise<'created' | 'patched'> {
  try {
    await createObject(client, type, object);
    return 'created';
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  const { namespace, name } = object.metadata;
  await mergePatch(
    client,
    type,
    { ...(namespace === undefined ? {} : { namespace }), name: name ?? '' },
    patch,
  );
  return 'patched';
}

/**
 * Removes `finalizer` at `index` of the object's finalizers — only if it is still there (a JSON-patch test, so a
 * concurrent change of the list is never clobbered); an object already gone is fine.
 */
export async function removeFinalizer(
  client: KubeClient,
  type: ResourceType,
  location: { readonly namespace?: string; readonly name: string },
  finalizer: string,
  index: number,
): Promise<void> {
  try {
    await client.request('PATCH', resourcePath(type, location), {
      body: [
        { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ],
      contentType: 'application/json-patch+json',
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
