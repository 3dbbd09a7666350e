// The charts' generated templates are the constructs' rendering (not hand-copied YAML), and the charts' values
// files match the constructs' defaults and their own JSON schemas.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { images } from '@emr/network';
import { DEFAULT_CHAINCODE_IMAGE } from '../chaincode-service';
import { DEFAULT_TOOLS_IMAGE } from '../credentials';
import { DEFAULT_GATEWAY_IMAGE } from '../gateway';
import { parseImage } from '../workload-options';
import { renderChartFiles } from './render';
import { outOfSync, REPO_ROOT } from './sync';

const chartFile = (chart: string, file: string): string =>
  readFileSync(join(REPO_ROOT, 'charts', chart, file), 'utf8');

test('the generated templates on disk are exactly what the constructs render (`make charts` after a change)', () => {
  expect(outOfSync()).toEqual([]);
});

test('no sentinel of the rendering survives, every object lands in the release namespace', () => {
  for (const [path, content] of renderChartFiles()) {
    if (!path.startsWith('charts/emr-network/')) continue;
    const namespaces = [...content.matchAll(/^ {2}namespace: (.*)$/gm)].map((m) => m[1]);
    expect(new Set(namespaces)).toEqual(new Set(['{{ .Release.Namespace }}']));
    expect(content).toMatch(
      /image: "\{\{ \.Values\.images\.\w+\.repository \}\}:\{\{ \.Values\.images\.\w+\.tag \}\}"/,
    );
  }
});

describe('emr-network values', () => {
  const values = parse(chartFile('emr-network', 'values.yaml')) as {
    images: Record<string, { repository: string; tag: string }>;
  };

  test("default images are the constructs' defaults", () => {
    const expected = {
      ca: parseImage(images.ca),
      orderer: parseImage(images.orderer),
      peer: parseImage(images.peer),
      chaincode: DEFAULT_CHAINCODE_IMAGE,
      gateway: DEFAULT_GATEWAY_IMAGE,
      tools: DEFAULT_TOOLS_IMAGE,
    };
    expect(values.images).toEqual(expected);
  });
});

describe.each(['emr-network', 'emr-operator'])('%s values.schema.json', (chart) => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(chartFile(chart, 'values.schema.json')) as object);
  const defaults = parse(chartFile(chart, 'values.yaml')) as Record<string, unknown>;

  test('accepts the default values', () => {
    expect(validate(defaults) ? [] : validate.errors).toEqual([]);
  });

  test('rejects an unknown key and a wrong pull policy', () => {
    expect(validate({ ...defaults, imagePulPolicy: 'Never' })).toBe(false);
    const policy =
      chart === 'emr-network'
        ? { ...defaults, imagePullPolicy: 'Sometimes' }
        : { ...defaults, image: { repository: 'x', pullPolicy: 'Sometimes' } };
    expect(validate(policy)).toBe(false);
  });
});
