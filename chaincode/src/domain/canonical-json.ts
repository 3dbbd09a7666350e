import { invalidArgument } from './errors';

/**
 * The one marshal path of the chaincode: canonical JSON (object keys sorted by UTF-16 code unit, no whitespace,
 * `undefined` properties omitted). Every value written to the ledger and every transaction response goes through
 * {@link canonicalJson}, so the same logical value always yields the same bytes on every endorsing peer.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new TypeError('canonicalJson: non-finite number');
      }
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? canonicalArray(value) : canonicalObject(value);
    default:
      throw new TypeError(`canonicalJson: unsupported type ${typeof value}`);
  }
}

function canonicalArray(values: readonly unknown[]): string {
  return `[${values.map((item) => canonicalJson(item)).join(',')}]`;
}

function canonicalObject(value: object): string {
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => compareStrings(a, b));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** Canonical JSON as UTF-8 bytes, for putState/putPrivateData/setEvent. */
export function marshal(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 JSON that must be an object. `what` names the input in the INVALID_ARGUMENT message. */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch {
    throw invalidArgument(`${what} is not valid UTF-8 JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidArgument(`${what} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Reads back a record this chaincode wrote itself; callers assert its (trusted) shape. */
export function unmarshal(bytes: Uint8Array): unknown {
  return JSON.parse(utf8.decode(bytes));
}

/** Code-unit order: locale-independent, hence the same on every peer. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
