import { createHash } from 'node:crypto';
import type { EmrView } from '../emr/schemas';

/** Identifier systems of this application (URNs: no resolvable registry exists for them). */
export const FHIR_SYSTEMS = {
  emrId: 'urn:emr:emr-id',
  patientId: 'urn:emr:patient-id',
  mspId: 'urn:emr:msp-id',
} as const;

/** A FHIR R4 resource as plain JSON. */
export type FhirResource = { readonly resourceType: string } & Readonly<Record<string, unknown>>;

/** A FHIR R4 Bundle of type `document`. */
export interface FhirDocumentBundle {
  readonly resourceType: 'Bundle';
  readonly type: 'document';
  readonly identifier: { readonly system: string; readonly value: string };
  readonly timestamp: string;
  readonly entry: { readonly fullUrl: string; readonly resource: FhirResource }[];
}

/**
 * An EMR as a FHIR R4 document Bundle: a Composition first (bdl-11), then the Patient, the owning Organization
 * and one Encounter per visit note; each note's text is the narrative of its Composition section. Output is
 * deterministic: the same EMR version always gives the same Bundle.
 */
export function emrToFhirBundle(emr: EmrView): FhirDocumentBundle {
  const url = (kind: string, seq = 0): string => `urn:uuid:${stableUuid(`${emr.emrId}/${kind}/${seq}`)}`;
  const patientUrl = url('patient');
  const organizationUrl = url('organization');
  const encounters = emr.notes.map((note) => ({
    fullUrl: url('encounter', note.seq),
    resource: {
      resourceType: 'Encounter',
      status: 'finished',
      class: {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: 'AMB',
        display: 'ambulatory',
      },
      subject: { reference: patientUrl },
      participant: [{ individual: { display: note.authorId } }],
      period: { start: note.createdAt },
      serviceProvider: { reference: organizationUrl, display: note.authorMsp },
    },
  }));
  const composition = {
    resourceType: 'Composition',
    status: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '11503-0', display: 'Medical records' }] },
    subject: { reference: patientUrl },
    date: emr.updatedAt,
    author: [{ reference: organizationUrl }],
    title: 'Electronic medical record',
    custodian: { reference: organizationUrl },
    section: emr.notes.map((note, index) => ({
      title: `Visit ${note.seq}`,
      text: { status: 'additional', div: xhtmlParagraph(note.text) },
      entry: [{ reference: encounters[index]?.fullUrl ?? '' }],
    })),
  };
  const patient = {
    resourceType: 'Patient',
    identifier: [{ system: FHIR_SYSTEMS.patientId, value: emr.patient.patientId }],
    name: [{ text: emr.patient.name }],
    birthDate: emr.patient.birthDate,
    managingOrganization: { reference: organizationUrl },
  };
  const organization = {
    resourceType: 'Organization',
    identifier: [{ system: FHIR_SYSTEMS.mspId, value: emr.ownerMsp }],
    name: emr.ownerMsp,
  };
  return {
    resourceType: 'Bundle',
    type: 'document',
    identifier: { system: FHIR_SYSTEMS.emrId, value: `${emr.emrId}/v${emr.version}` },
    timestamp: emr.updatedAt,
    entry: [
      { fullUrl: url('composition'), resource: composition },
      { fullUrl: patientUrl, resource: patient },
      { fullUrl: organizationUrl, resource: organization },
      ...encounters,
    ],
  };
}

/** A UUID (version 8: custom) from a SHA-256 of `name`, so references are stable across renderings. */
function stableUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const XHTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/** Free text as an XHTML narrative; characters that are not allowed in XML are dropped. */
function xhtmlParagraph(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing characters XML forbids is the point
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
  const escaped = clean.replace(/[&<>"]/g, (char) => XHTML_ESCAPES[char] ?? char);
  return `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escaped}</p></div>`;
}
