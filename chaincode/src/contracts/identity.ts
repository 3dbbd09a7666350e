import { X509Certificate } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { forbidden } from '../domain/errors';
import { ADMIN_OU, ATTRIBUTES, parseRole, type Role } from '../domain/roles';
import { isHex256 } from '../domain/validation';

/**
 * The caller, entirely from the creator certificate the peer verified: org = MSP ID, role and pseudonym =
 * certificate attributes, id = subject/issuer DN. Nothing about the caller is read from arguments.
 */
export interface Caller {
  readonly msp: string;
  readonly id: string;
  readonly role: Role;
}

export interface PatientCaller extends Caller {
  readonly role: 'patient';
  readonly patientRef: string;
}

export function requireRole(ctx: Context, ...allowed: readonly Role[]): Caller {
  const raw = ctx.clientIdentity.getAttributeValue(ATTRIBUTES.role);
  if (raw === null) {
    throw forbidden(`the caller's certificate has no ${ATTRIBUTES.role} attribute`);
  }
  const role = parseRole(raw);
  if (role === undefined) {
    throw forbidden(`the caller's ${ATTRIBUTES.role} attribute is not a known role`);
  }
  if (!allowed.includes(role)) {
    throw forbidden(`role ${role} may not call this transaction (allowed: ${allowed.join(', ')})`);
  }
  return { msp: ctx.clientIdentity.getMSPID(), id: ctx.clientIdentity.getID(), role };
}

export function requirePatient(ctx: Context): PatientCaller {
  const caller = requireRole(ctx, 'patient');
  const patientRef = ctx.clientIdentity.getAttributeValue(ATTRIBUTES.patientRef);
  if (patientRef === null || !isHex256(patientRef)) {
    throw forbidden(`the patient's certificate has no valid ${ATTRIBUTES.patientRef} attribute`);
  }
  return { ...caller, role: 'patient', patientRef };
}

/** An administrator of the caller's org: the certificate carries OU=admin (NodeOUs). */
export function requireOrgAdmin(ctx: Context): { readonly msp: string; readonly id: string } {
  if (!organizationalUnits(ctx.clientIdentity.getIDBytes()).includes(ADMIN_OU)) {
    throw forbidden(`only an administrator (OU=${ADMIN_OU}) of the org may call this transaction`);
  }
  return { msp: ctx.clientIdentity.getMSPID(), id: ctx.clientIdentity.getID() };
}

/**
 * The OU values of a certificate's subject. Node prints the subject one RDN per line, multi-valued RDNs joined by
 * " + ", with RFC 2253 escaping of "+", "," and control characters inside values, so neither separator can be
 * forged from inside a value.
 */
export function organizationalUnits(certificate: Uint8Array): string[] {
  let subject: string;
  try {
    subject = new X509Certificate(certificate).subject;
  } catch {
    throw forbidden('the caller is not identified by an X.509 certificate');
  }
  return subject
    .split('\n')
    .flatMap((rdn) => rdn.split(' + '))
    .filter((attribute) => attribute.startsWith('OU='))
    .map((attribute) => attribute.slice('OU='.length));
}
