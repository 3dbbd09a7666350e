/**
 * Decoder for raw Snappy (the block compression of LevelDB tables, which Fabric's goleveldb uses by default).
 * Format: varint uncompressed length, then literal and back-reference elements
 * (https://github.com/google/snappy/blob/main/format_description.txt).
 */
export function snappyDecompress(input: Uint8Array): Buffer {
  const length = readVarint(input, 0);
  const output = Buffer.alloc(length.value);
  let pos = length.next;
  let out = 0;
  while (pos < input.length) {
    const tag = byteAt(input, pos++);
    const kind = tag & 0b11;
    if (kind === 0) {
      const literal = literalLength(input, tag, pos);
      pos = literal.next;
      output.set(input.subarray(pos, pos + literal.length), out);
      pos += literal.length;
      out += literal.length;
      continue;
    }
    const copy = copyElement(input, tag, kind, pos);
    pos = copy.next;
    if (copy.offset === 0 || copy.offset > out) {
      throw new Error('snappy: back-reference before the start of the output');
    }
    // Byte by byte: a copy may overlap the bytes it produces (run-length encoding).
    for (let i = 0; i < copy.length; i++, out++) {
      output[out] = output[out - copy.offset] ?? 0;
    }
  }
  if (out !== output.length) {
    throw new Error(`snappy: expected ${output.length} bytes, decoded ${out}`);
  }
  return output;
}

function literalLength(input: Uint8Array, tag: number, pos: number): { length: number; next: number } {
  const short = tag >> 2;
  if (short < 60) {
    return { length: short + 1, next: pos };
  }
  const bytes = short - 59;
  let length = 0;
  for (let i = 0; i < bytes; i++) {
    length |= byteAt(input, pos + i) << (8 * i);
  }
  return { length: (length >>> 0) + 1, next: pos + bytes };
}

function copyElement(
  input: Uint8Array,
  tag: number,
  kind: number,
  pos: number,
): { length: number; offset: number; next: number } {
  if (kind === 1) {
    return {
      length: 4 + ((tag >> 2) & 0b111),
      offset: ((tag >> 5) << 8) | byteAt(input, pos),
      next: pos + 1,
    };
  }
  const bytes = kind === 2 ? 2 : 4;
  let offset = 0;
  for (let i = 0; i < bytes; i++) {
    offset |= byteAt(input, pos + i) << (8 * i);
  }
  return { length: (tag >> 2) + 1, offset: offset >>> 0, next: pos + bytes };
}

/** Unsigned LEB128 varint (at most 5 bytes used by Snappy and LevelDB for 32-bit values). */
export function readVarint(input: Uint8Array, pos: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = byteAt(input, pos++);
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) {
      return { value, next: pos };
    }
    shift += 7;
    if (shift > 63) {
      throw new Error('varint too long');
    }
  }
}

function byteAt(input: Uint8Array, pos: number): number {
  const byte = input[pos];
  if (byte === undefined) {
    throw new Error('unexpected end of input');
  }
  return byte;
}
