/**
 * Our CustomResourceDefinitions, defined once in TypeScript: the operator chart's templates are generated from
 * them (scripts/sync-charts), the operator (issue 8) imports the names and schemas.
 */
import { emrNetworkCrd } from './emr-network';
import { medicalProviderCrd } from './medical-provider';

export { EMR_NETWORK, emrNetworkCrd } from './emr-network';
export { MEDICAL_PROVIDER, MEDICAL_PROVIDER_SCHEMA, medicalProviderCrd } from './medical-provider';

export function customResourceDefinitions(): Record<string, unknown>[] {
  return [emrNetworkCrd(), medicalProviderCrd()];
}
