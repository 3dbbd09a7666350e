import { ApiObject, Chart, JsonPatch, type Size } from 'cdk8s';
import {
  LabelSelector,
  PersistentVolumeAccessMode,
  type PersistentVolumeClaimTemplateProps,
  Pod,
  Secret,
  type Service,
  type StatefulSetProps,
  type Workload,
} from 'cdk8s-plus-33';
import type { Construct } from 'constructs';
import { podSecurity, type PodIdentity, type StorageOptions } from './workload-options';

const ADDRESS_LABEL_PATH = Pod.ADDRESS_LABEL.replace('/', '~1');

/**
 * Selects the workload's pods by our small, immutable selector labels only. cdk8s-plus also stamps a
 * `cdk8s.io/metadata.addr` label derived from the construct path onto pods (and Services that select them);
 * we drop it, so the same workload rendered from another construct tree (the operator's) is the same object.
 */
export function finishWorkload(
  workload: Workload,
  selector: Readonly<Record<string, string>>,
  services: { readonly governing?: Service; readonly others?: readonly Service[] } = {},
): void {
  workload.select(LabelSelector.of({ labels: { ...selector } }));
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.remove(`/spec/template/metadata/labels/${ADDRESS_LABEL_PATH}`),
  );
  for (const service of [...(services.governing ? [services.governing] : []), ...(services.others ?? [])]) {
    for (const [key, value] of Object.entries(selector)) service.selectLabel(key, value);
  }
  // A StatefulSet makes its governing Service select the address label too.
  if (services.governing) {
    ApiObject.of(services.governing).addJsonPatch(JsonPatch.remove(`/spec/selector/${ADDRESS_LABEL_PATH}`));
  }
}

/** The namespace objects go to: the prop, else the enclosing Chart's. */
export function namespaceOf(scope: Construct, namespace: string | undefined): string | undefined {
  return namespace ?? Chart.of(scope).namespace;
}

export interface PodDefaultsInput {
  readonly podIdentity?: PodIdentity;
  readonly imagePullSecret?: string;
}

/** Pod-level props every workload shares: restricted security context, no API token, no service env links. */
export function podDefaults(
  scope: Construct,
  props: PodDefaultsInput,
): Pick<
  StatefulSetProps,
  'securityContext' | 'automountServiceAccountToken' | 'enableServiceLinks' | 'dockerRegistryAuth'
> {
  return {
    securityContext: podSecurity(props.podIdentity),
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    ...(props.imagePullSecret
      ? { dockerRegistryAuth: Secret.fromSecretName(scope, 'PullSecret', props.imagePullSecret) }
      : {}),
  };
}

/** The PVC template named `data` of a Fabric node's StatefulSet. */
export function dataClaim(
  storage: StorageOptions | undefined,
  defaultSize: Size,
): PersistentVolumeClaimTemplateProps {
  return {
    name: 'data',
    storage: storage?.size ?? defaultSize,
    accessModes: [PersistentVolumeAccessMode.READ_WRITE_ONCE],
    ...(storage?.storageClassName ? { storageClassName: storage.storageClassName } : {}),
  };
}
