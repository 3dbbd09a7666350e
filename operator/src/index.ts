/**
 * @emr/operator — the controller that turns MedicalProvider resources into onboarded providers: its reconcile
 * steps (one condition each), the runtimes they drive (Kubernetes workloads, devnet processes) and the operator
 * assembly (leader election, informers, work queue, probes, metrics). `emr-operator` (main.ts) runs it.
 */
export * from './api/medical-provider';
export {
  mergeConditions,
  findCondition,
  isTrue,
  type ConditionUpdate,
  type Transition,
} from './api/conditions';
export { MEDICAL_PROVIDERS, EMR_NETWORKS } from './api/resources';
export { Operator, CONTROLLER_NAME, type OperatorOptions } from './operator';
export { settingsFromEnv, SettingsError, type OperatorSettings } from './config';
export { loadKubeConfig, newKubeClient, type KubeClient } from './kube/client';
export { KubeApiError } from './kube/errors';
export { newKubeSecretStore } from './kube/secret-store';
export { newLogger, SILENT, type Logger, type LogLevel } from './logger';
export { PROVIDER_STEPS, type Step, type StepResult, type StepContext } from './provider/steps';
export { decideConsent, tallyVotes, requiredSignatures, type ConsentPolicy } from './provider/consent';
export { compareVersions, planApproval } from './provider/chaincode-sequence';
export { newDevnetRuntime, type DevnetRuntimeOptions } from './runtime/devnet';
export { newKubernetesRuntime, renderProvider, type KubernetesRuntimeOptions } from './runtime/kubernetes';
export type * from './runtime/types';
