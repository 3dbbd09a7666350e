import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Real X.509 certificates for unit tests, DER-encoded by hand (Node has no certificate builder): the shim's own
 * ClientIdentity parses them exactly as on a peer — MSP from the creator, attributes from Fabric CA's extension
 * 1.2.3.4.5.6.7.8.1 (`{"attrs":{...}}`), OUs from the subject.
 */
export interface CertificateSubject {
  readonly cn: string;
  /** Subject OUs as Fabric CA writes them (one multi-valued RDN), e.g. ['client'] or ['admin']. */
  readonly ous: readonly string[];
  readonly attrs?: Readonly<Record<string, string>>;
}

const FABRIC_ATTRIBUTES_OID = '1.2.3.4.5.6.7.8.1';
const OID = {
  commonName: '2.5.4.3',
  organizationalUnit: '2.5.4.11',
  organization: '2.5.4.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
};

let signingKey: { privateKey: KeyObject; publicKey: KeyObject } | undefined;
let serial = 1;

function keys(): { privateKey: KeyObject; publicKey: KeyObject } {
  signingKey ??= generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return signingKey;
}

function length(n: number): Buffer {
  if (n < 0x80) {
    return Buffer.from([n]);
  }
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) {
    bytes.unshift(rest % 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const sequence = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const utf8String = (value: string): Buffer => tlv(0x0c, Buffer.from(value, 'utf8'));
const octetString = (value: Buffer): Buffer => tlv(0x04, value);
const bitString = (value: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), value]));
const explicit = (tag: number, content: Buffer): Buffer => tlv(0xa0 | tag, content);

function integer(value: number): Buffer {
  const hex = value.toString(16).padStart(2, '0');
  const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >>> 7; value > 0; value >>>= 7) {
      chunk.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const attribute = (type: string, value: string): Buffer => sequence(oid(type), utf8String(value));

function name(subject: { cn: string; ous: readonly string[]; org?: string }): Buffer {
  const rdns: Buffer[] = [];
  if (subject.org !== undefined) {
    rdns.push(set(attribute(OID.organization, subject.org)));
  }
  if (subject.ous.length > 0) {
    rdns.push(set(...subject.ous.map((ou) => attribute(OID.organizationalUnit, ou))));
  }
  rdns.push(set(attribute(OID.commonName, subject.cn)));
  return sequence(...rdns);
}

/** A PEM certificate issued by a per-org test CA name (signature by a throwaway key; nobody verifies it here). */
export function issueCertificate(mspId: string, subject: CertificateSubject): string {
  const { privateKey, publicKey } = keys();
  const extensions: Buffer[] = [];
  if (subject.attrs !== undefined) {
    const json = JSON.stringify({ attrs: subject.attrs });
    extensions.push(sequence(oid(FABRIC_ATTRIBUTES_OID), octetString(Buffer.from(json, 'utf8'))));
  }
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial++),
    sequence(oid(OID.ecdsaWithSha256)),
    name({ cn: `ca.${mspId}`, ous: [], org: mspId }),
    sequence(tlv(0x17, Buffer.from('250101000000Z')), tlv(0x18, Buffer.from('21000101000000Z'))),
    name({ cn: subject.cn, ous: subject.ous, org: mspId }),
    publicKey.export({ type: 'spki', format: 'der' }),
    ...(extensions.length > 0 ? [explicit(3, sequence(...extensions))] : []),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, sequence(oid(OID.ecdsaWithSha256)), bitString(signature));
  const body = der.toString('base64').match(/.{1,64}/g) ?? [];
  return ['-----BEGIN CERTIFICATE-----', ...body, '-----END CERTIFICATE-----', ''].join('\n');
}
