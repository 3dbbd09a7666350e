// The CRDs are structural (every node typed), documented (every field described, so `kubectl explain` helps),
// and carry what the operator conventions ask for. The API server test (test/crds.test.ts) proves behaviour.
import { describe, expect, test } from '@jest/globals';
import { customResourceDefinitions } from '.';

type Schema = Record<string, unknown>;

/** Paths of schema nodes without a type or without a description. */
function undocumented(schema: Schema, path = ''): string[] {
  const problems: string[] = [];
  if (schema['type'] === undefined && schema['x-kubernetes-int-or-string'] !== true)
    problems.push(`${path}: no type`);
  const isRootField = ['.apiVersion', '.kind', '.metadata'].includes(path);
  if (schema['description'] === undefined && path !== '' && !isRootField && !path.endsWith('[]')) {
    problems.push(`${path}: no description`);
  }
  for (const [name, child] of Object.entries(
    (schema['properties'] as Record<string, Schema> | undefined) ?? {},
  )) {
    problems.push(...undocumented(child, `${path}.${name}`));
  }
  const items = schema['items'] as Schema | undefined;
  if (items) problems.push(...undocumented(items, `${path}[]`));
  return problems;
}

describe.each(
  customResourceDefinitions().map((crd): [string, Record<string, unknown>] => [
    (crd['metadata'] as { name: string }).name,
    crd,
  ]),
)('%s', (_name, crd) => {
  const spec = crd['spec'] as {
    scope: string;
    names: { shortNames: string[]; categories: string[] };
    versions: { name: string; subresources: unknown; schema: { openAPIV3Schema: Schema } }[];
  };
  const version = spec.versions[0];

  test('is namespaced, v1alpha1, with short names, categories and a status subresource', () => {
    expect(spec.scope).toBe('Namespaced');
    expect(spec.versions.map((v) => v.name)).toEqual(['v1alpha1']);
    expect(spec.names.shortNames.length).toBeGreaterThan(0);
    expect(spec.names.categories).toContain('emr');
    expect(version?.subresources).toEqual({ status: {} });
  });

  test('has a structural, documented schema', () => {
    expect(undocumented(version?.schema.openAPIV3Schema ?? {})).toEqual([]);
  });

  test('keeps conditions as a list map keyed by type', () => {
    const status = (version?.schema.openAPIV3Schema['properties'] as Record<string, Schema>)['status'];
    const conditions = (status?.['properties'] as Record<string, Schema>)['conditions'];
    expect(conditions).toMatchObject({
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    });
  });
});

test('MedicalProvider printer columns: MSP ID, phase, channel, joined, chaincode, sigs, age', () => {
  const crd = customResourceDefinitions().find((c) =>
    (c['metadata'] as { name: string }).name.startsWith('medical'),
  );
  const columns = (
    crd?.['spec'] as { versions: { additionalPrinterColumns: { name: string; priority?: number }[] }[] }
  ).versions[0]?.additionalPrinterColumns;
  expect(columns?.filter((c) => c.priority === undefined).map((c) => c.name)).toEqual([
    'MSP ID',
    'Phase',
    'Channel',
    'Joined',
    'Chaincode',
    'Sigs',
    'Age',
  ]);
});

test('no spec field can hold a secret value: secrets are `*SecretRef` objects with name and key only', () => {
  const text = JSON.stringify(customResourceDefinitions());
  const secretish = [
    ...text.matchAll(/"(\w*(?:[Ss]ecret|[Pp]assword|[Tt]oken|[Kk]ey)\w*)":\{"type":"(\w+)"/g),
  ];
  expect(secretish.map((m) => m[1])).toEqual(expect.arrayContaining(['registrarSecretRef', 'keysSecretRef']));
  expect(secretish.filter(([, name, type]) => type !== 'object' && name !== 'key').map((m) => m[1])).toEqual(
    [],
  );
});
