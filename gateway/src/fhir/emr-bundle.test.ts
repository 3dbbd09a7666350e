import { describe, expect, it } from '@jest/globals';
import type { EmrView } from '../emr/schemas';
import { fhirIssuesOf } from '../test-support/fhir-validation';
import { emrToFhirBundle } from './emr-bundle';

const EMR: EmrView = {
  emrId: 'e'.repeat(64),
  ownerMsp: 'Provider1MSP',
  patient: { patientId: 'AB-1234', name: 'Alice Example', birthDate: '1980-02-29' },
  version: 3,
  noteCount: 2,
  createdAt: '2025-01-01T10:00:00.000Z',
  updatedAt: '2025-01-03T10:00:00.000Z',
  notes: [
    {
      seq: 1,
      text: 'Flu <severe> & fever',
      authorId: 'x509::CN=dr::CN=ca',
      authorMsp: 'Provider1MSP',
      createdAt: '2025-01-02T10:00:00.000Z',
    },
    {
      seq: 2,
      text: 'Recovered\u0001',
      authorId: 'x509::CN=dr::CN=ca',
      authorMsp: 'Provider1MSP',
      createdAt: '2025-01-03T10:00:00.000Z',
    },
  ],
};

const issuesOf = fhirIssuesOf;

describe('EMR as a FHIR R4 document Bundle', () => {
  it("passes @medplum/core's validator: the Bundle and every resource in it", () => {
    // The validator throws on errors and returns warnings.
    expect(() => issuesOf({ resourceType: 'Patient', birthDate: '1980-02-30' })).toThrow(/Invalid date/);
    const bundle = emrToFhirBundle(EMR);
    expect(issuesOf(bundle)).toEqual([]);
    for (const entry of bundle.entry) expect(issuesOf(entry.resource)).toEqual([]);
    // It checks the document invariants too: a Composition must come first (bdl-11).
    expect(() => issuesOf({ ...bundle, entry: bundle.entry.slice(1) })).toThrow(/bdl-11/);
  });

  it('is a document: Composition first, then Patient, Organization and an Encounter per visit', () => {
    const bundle = emrToFhirBundle(EMR);
    expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual([
      'Composition',
      'Patient',
      'Organization',
      'Encounter',
      'Encounter',
    ]);
    const [composition, patient] = bundle.entry;
    expect(composition?.resource['subject']).toEqual({ reference: patient?.fullUrl });
    expect(patient?.resource).toMatchObject({ birthDate: '1980-02-29', name: [{ text: 'Alice Example' }] });
    expect(bundle.identifier).toEqual({ system: 'urn:emr:emr-id', value: `${'e'.repeat(64)}/v3` });
  });

  it('escapes note text into the XHTML narrative', () => {
    const sections = emrToFhirBundle(EMR).entry[0]?.resource['section'] as { text: { div: string } }[];
    expect(sections[0]?.text.div).toBe(
      '<div xmlns="http://www.w3.org/1999/xhtml"><p>Flu &lt;severe&gt; &amp; fever</p></div>',
    );
    expect(sections[1]?.text.div).not.toContain('\u0001');
  });

  it('is deterministic, and an EMR without notes is still a valid document', () => {
    expect(emrToFhirBundle(EMR)).toEqual(emrToFhirBundle(EMR));
    const empty = emrToFhirBundle({ ...EMR, version: 1, noteCount: 0, notes: [] });
    expect(issuesOf(empty)).toEqual([]);
  });
});
