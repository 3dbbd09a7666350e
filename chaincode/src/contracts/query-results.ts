import { unmarshal } from '../domain/canonical-json';

/**
 * The values of a range or partial-composite-key query, in key order. fabric-shim returns a promise that is also
 * an async iterable; on a real peer that promise resolves to `{ iterator }` (its typings claim the iterator
 * itself), so a query result must be iterated, never awaited. Iterating to the end, or leaving the loop early,
 * closes the iterator on the peer.
 */
export async function collectValues<T>(results: AsyncIterable<{ readonly value: Uint8Array }>): Promise<T[]> {
  const values: T[] = [];
  for await (const entry of results) {
    values.push(unmarshal(entry.value) as T);
  }
  return values;
}
