import { describe, expect, test } from '@jest/globals';
import { canonicalJson, marshal, parseJsonObject } from './canonical-json';

describe('canonical JSON, the one marshal path', () => {
  test('sorts object keys at every depth, so equal values give equal bytes on every peer', () => {
    const a = canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } });
    const b = canonicalJson({ a: { c: 'x', d: [3, { y: null, z: true }] }, b: 1 });
    expect(a).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    expect(b).toBe(a);
  });

  test('omits undefined properties and keeps array order', () => {
    expect(canonicalJson({ a: undefined, b: [2, 1] })).toBe('{"b":[2,1]}');
  });

  test('escapes strings like JSON.stringify and encodes UTF-8 bytes', () => {
    expect(Buffer.from(marshal({ name: 'Zoë "Z"' })).toString('utf8')).toBe('{"name":"Zoë \\"Z\\""}');
  });

  test('rejects values JSON cannot represent faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });

  test('parses a JSON object input and rejects anything else with INVALID_ARGUMENT', () => {
    expect(parseJsonObject(Buffer.from('{"a":1}'), 'x')).toEqual({ a: 1 });
    expect(() => parseJsonObject(Buffer.from('[1]'), 'x')).toThrow(
      /^INVALID_ARGUMENT: x must be a JSON object/,
    );
    expect(() => parseJsonObject(Buffer.from('null'), 'x')).toThrow(/^INVALID_ARGUMENT/);
    expect(() => parseJsonObject(Buffer.from('{'), 'x')).toThrow(
      /^INVALID_ARGUMENT: x is not valid UTF-8 JSON/,
    );
    expect(() => parseJsonObject(Buffer.from([0x7b, 0xff, 0x7d]), 'x')).toThrow(/^INVALID_ARGUMENT/);
  });
});
