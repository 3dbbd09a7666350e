/**
 * The bootstrap of a one-namespace network (the emr-network chart): the Kubernetes side of
 * operator/src/bootstrap. Until the operator creates the channel, two steps of the admin library run as Jobs
 * with the tools (operator) image:
 *
 * - the **registrar** Job publishes each CA's trust ConfigMap, registers every node identity and writes the
 *   peers' chaincode builder configs — the workloads' enroll init containers wait for exactly these, so it must
 *   run next to them, never after them. Under Helm it is an ordinary object (not a hook): `helm install --wait`
 *   waits for pods Ready before post-install hooks run, and no pod becomes Ready before this step. Its name
 *   carries the release revision, so an upgrade creates a new Job instead of patching an immutable one.
 * - the **channel** Job builds the genesis block, joins orderers and peers, installs, approves and commits the
 *   chaincode and initializes each provider. It waits for the orderers and peers to answer, so it may start at
 *   any time; under Helm it is a post-install hook (helm waits for it), deleted once it succeeded.
 * - a **check** Pod (a Helm test, `helm test <release>`) reports each orderer's channel state and fails unless
 *   every orderer is an active consenter.
 *
 * Both steps own what they create at run time (Secrets, ConfigMaps) through an owner reference to the anchor
 * ConfigMap rendered here, so deleting the release lets the garbage collector remove them.
 */
import { ApiObject } from 'cdk8s';
import type { ImagePullPolicy } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { assertDnsLabel, LABELS, PART_OF } from './conventions';
import { DEFAULT_TOOLS_IMAGE } from './credentials';
import { namespaceOf } from './workload-support';
import { imageName, withPullPolicy, withDefaults, type ImageRef, type PodIdentity } from './workload-options';

/** `app.kubernetes.io/component` of the bootstrap's objects. */
export const BOOTSTRAP_COMPONENT = 'bootstrap';

/** Environment of the bootstrap CLI (operator/src/bootstrap/cli.ts) that the construct sets. */
export const BOOTSTRAP_ENV = {
  namespace: 'EMR_NAMESPACE',
  clusterDomain: 'EMR_CLUSTER_DOMAIN',
  /** ConfigMap every object the steps create is owned by (garbage-collected with it). */
  ownerConfigMap: 'EMR_OWNER_CONFIGMAP',
} as const;

/** Helm hook annotations: what runs when under `helm install` / `helm test`. */
export const HELM_HOOKS = {
  channel: {
    'helm.sh/hook': 'post-install',
    'helm.sh/hook-weight': '0',
    // Recreated, never patched, on a reinstall; removed once it succeeded (a failed one stays for its logs).
    'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
  },
  check: {
    'helm.sh/hook': 'test',
    'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
  },
} as const;

export interface NetworkBootstrapProps {
  /** Namespace of the network and of every object here. @default - the enclosing Chart's namespace */
  readonly namespace?: string;
  /** Prefix of every name: ServiceAccount/Role/RoleBinding/anchor `<name>`, Jobs `<name>-registrar-<revision>` and `<name>-channel`. @default 'emr-bootstrap' */
  readonly name?: string;
  /** Image with Node.js 24 and the operator workspace (operator/src/bootstrap). @default emr/operator:0.1.0 */
  readonly image?: ImageRef;
  /** @default ImagePullPolicy.IF_NOT_PRESENT */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** Command of the steps; `channel` and `check` are appended for those. @default ['node', '/app/dist/bootstrap/cli.js'] */
  readonly command?: readonly string[];
  /** DNS suffix of the cluster. @default 'cluster.local' */
  readonly clusterDomain?: string;
  /** User and groups of the pods. @default 10001/10001 */
  readonly podIdentity?: PodIdentity;
  /** `app.kubernetes.io/managed-by`. @default 'cdk8s' */
  readonly managedBy?: string;
  /**
   * Suffix of the registrar Job's name: a new Job per Helm revision instead of an in-place patch of an immutable
   * one. @default 1
   */
  readonly revision?: number;
  /** Annotate the channel Job as a post-install hook and render the check Pod as a Helm test. @default false */
  readonly helmHooks?: boolean;
  /**
   * The Secrets and ConfigMaps the steps read and write, by name: the Role then grants `get` and `patch` on exactly
   * these (and the anchor), so the steps cannot read, say, the gateways' keys. `create` cannot be limited by name.
   * @default - `get` and `patch` on every Secret and ConfigMap of the namespace
   */
  readonly objects?: { readonly secrets: readonly string[]; readonly configMaps: readonly string[] };
}

/**
 * Reads the platform engineer's registrar Secrets, writes trust ConfigMaps, enrollment and builder Secrets. No
 * list, watch or delete: the steps address objects by name.
 */
function bootstrapRules(
  anchor: string,
  objects: NetworkBootstrapProps['objects'],
): Record<string, unknown>[] {
  if (objects === undefined) {
    return [{ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'create', 'patch'] }];
  }
  const sorted = (names: readonly string[]): string[] => [...new Set(names)].sort();
  return [
    { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['create'] },
    {
      apiGroups: [''],
      resources: ['secrets'],
      resourceNames: sorted(objects.secrets),
      verbs: ['get', 'patch'],
    },
    {
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: sorted([...objects.configMaps, anchor]),
      verbs: ['get', 'patch'],
    },
  ];
}

export const DEFAULT_BOOTSTRAP_COMMAND: readonly string[] = ['node', '/app/dist/bootstrap/cli.js'];

/** The NetworkPolicies of the CAs, orderers and peers admit admin clients by this label (see network-policies.ts). */
const ADMIN_CLIENT_LABELS = { [LABELS.name]: 'emr-operator' } as const;

export class NetworkBootstrap extends Construct {
  /** Name of the anchor ConfigMap that owns what the steps create. */
  readonly ownerConfigMap: string;
  readonly registrarJobName: string;
  readonly channelJobName: string;

  constructor(scope: Construct, id: string, bootstrapProps: NetworkBootstrapProps = {}) {
    super(scope, id);
    const props = withDefaults(bootstrapProps, {
      name: 'emr-bootstrap',
      image: DEFAULT_TOOLS_IMAGE,
      command: DEFAULT_BOOTSTRAP_COMMAND,
      clusterDomain: 'cluster.local',
      managedBy: 'cdk8s',
      revision: 1,
      helmHooks: false,
    });
    assertDnsLabel(props.name, 'bootstrap name');
    if (!Number.isInteger(props.revision) || props.revision < 1) {
      throw new RangeError(`revision must be a positive integer, not ${props.revision}`);
    }
    const namespace = namespaceOf(this, props.namespace);
    const labels = {
      [LABELS.name]: 'emr-bootstrap',
      [LABELS.component]: BOOTSTRAP_COMPONENT,
      [LABELS.partOf]: PART_OF,
      [LABELS.managedBy]: props.managedBy,
    };
    const metadata = (name: string): Record<string, unknown> => ({ name, namespace, labels });
    this.ownerConfigMap = props.name;
    this.registrarJobName = `${props.name}-registrar-${props.revision}`;
    this.channelJobName = `${props.name}-channel`;

    new ApiObject(this, 'Owner', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(props.name),
      data: {
        purpose:
          'Owns the Secrets and ConfigMaps the bootstrap steps create (trust, enrollments, builder configs); ' +
          'deleting it (helm uninstall) lets the garbage collector remove them.',
      },
    });
    new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: metadata(props.name),
      // Only the bootstrap pods mount a token, and they ask for it explicitly.
      automountServiceAccountToken: false,
    });
    new ApiObject(this, 'Role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(props.name),
      rules: bootstrapRules(props.name, props.objects),
    });
    new ApiObject(this, 'RoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(props.name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace }],
    });

    const pod = (step: 'registrar' | 'channel' | 'check'): Record<string, unknown> => {
      const image = withPullPolicy(props.image, props.imagePullPolicy);
      const user = props.podIdentity?.user ?? 10001;
      const group = props.podIdentity?.group ?? 10001;
      return {
        serviceAccountName: props.name,
        automountServiceAccountToken: true,
        enableServiceLinks: false,
        restartPolicy: 'Never',
        securityContext: {
          runAsNonRoot: true,
          runAsUser: user,
          runAsGroup: group,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: step,
            image: imageName(image),
            imagePullPolicy: image.pullPolicy,
            command: [...props.command, ...(step === 'registrar' ? [] : [step])],
            env: [
              { name: BOOTSTRAP_ENV.namespace, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: BOOTSTRAP_ENV.clusterDomain, value: props.clusterDomain },
              { name: BOOTSTRAP_ENV.ownerConfigMap, value: this.ownerConfigMap },
            ],
            resources: {
              requests: { cpu: '50m', memory: '96Mi' },
              limits: { cpu: '1', memory: '384Mi' },
            },
            securityContext: {
              runAsNonRoot: true,
              runAsUser: user,
              runAsGroup: group,
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
          },
        ],
      };
    };
    const podLabels = { ...ADMIN_CLIENT_LABELS, [LABELS.component]: BOOTSTRAP_COMPONENT };
    const job = (name: string, step: 'registrar' | 'channel', annotations: Record<string, string>): void => {
      new ApiObject(this, `${step}-job`, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { ...metadata(name), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
        spec: {
          // Each step retries inside (CAs, orderers and peers starting); a pod failing anyway gets two more tries.
          backoffLimit: 2,
          template: {
            metadata: { labels: { ...podLabels, 'emr-fabric.dev/bootstrap-step': step } },
            spec: pod(step),
          },
        },
      });
    };
    job(this.registrarJobName, 'registrar', {});
    job(this.channelJobName, 'channel', props.helmHooks ? { ...HELM_HOOKS.channel } : {});
    if (props.helmHooks) {
      new ApiObject(this, 'check-pod', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...metadata(`${props.name}-check`),
          labels: { ...labels, ...podLabels, 'emr-fabric.dev/bootstrap-step': 'check' },
          annotations: { ...HELM_HOOKS.check },
        },
        spec: pod('check'),
      });
    }
  }
}
