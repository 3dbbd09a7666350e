import { gzipSync } from 'node:zlib';

export interface TarEntry {
  readonly name: string;
  readonly content: Uint8Array;
}

const BLOCK = 512;

/**
 * A gzipped ustar archive of regular files with fixed metadata (mtime 0, uid/gid 0, mode 0644).
 * Fixed metadata makes the bytes — and so a chaincode package ID, which hashes them — reproducible.
 */
export function deterministicTarGz(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    blocks.push(header(entry.name, entry.content.length), padded(entry.content));
  }
  blocks.push(Buffer.alloc(2 * BLOCK));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

function header(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > 100) {
    throw new RangeError(`tar entry name longer than 100 bytes: ${name}`);
  }
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 'utf8');
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(0, 12), 136);
  block.fill(' ', 148, 156); // the checksum is computed with its own field as spaces
  block.write('0', 156); // regular file
  block.write('ustar\u000000', 257, 'binary');
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  block.write(`${checksum.toString(8).padStart(6, '0')}\u0000 `, 148, 'binary');
  return block;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\u0000`;
}

function padded(content: Uint8Array): Buffer {
  const remainder = content.length % BLOCK;
  const padding = remainder === 0 ? 0 : BLOCK - remainder;
  return Buffer.concat([Buffer.from(content), Buffer.alloc(padding)]);
}
