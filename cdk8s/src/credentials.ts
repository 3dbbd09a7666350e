/**
 * Where a node's MSP and TLS folders (the spec's `credentials` mounts) come from. Two answers, one per phase of
 * the project, both keeping private keys out of ConfigMaps, env literals and images:
 *
 * - {@link NodeCredentials.enrollFromCa}: the workload enrolls itself. An init container generates the keys in
 *   memory, enrolls at the org's CA and writes the folders into memory-backed emptyDirs. See enroll/contract.ts.
 * - {@link NodeCredentials.fromSecrets}: someone else (the operator) enrolled and stored the folders in Secrets,
 *   mounted read-only.
 */
import {
  type ContainerResources,
  EmptyDirMedium,
  EnvFieldPaths,
  EnvValue,
  type ImagePullPolicy,
  ConfigMap,
  Secret,
  Volume,
  type Workload,
} from 'cdk8s-plus-33';
import { Size } from 'cdk8s';
import {
  CA_TRUST_KEY,
  CREDENTIAL_SECRET_KEYS,
  ENROLL_ENV,
  ENROLL_PATHS,
  credentialSecretName,
  enrollmentSecretName,
} from './enroll/contract';
import {
  DEFAULT_RESOURCES,
  containerSecurity,
  imageName,
  withPullPolicy,
  type ImageRef,
  type PodIdentity,
} from './workload-options';

export type CredentialKind = 'msp' | 'tls';

/** The identities of a workload: one fixed enrollment ID, or one per StatefulSet pod (ID = pod name). */
export type WorkloadIdentities =
  | { readonly perPod: false; readonly enrollmentId: string }
  | { readonly perPod: true; readonly podNames: readonly string[] };

/** What a construct tells its credentials source about the workload. */
export interface CredentialTarget {
  readonly workload: Workload;
  /** Workload name; Secret names derive from it. */
  readonly name: string;
  readonly org: string;
  readonly mspId: string;
  /** Credential mounts of the spec with the folder kind at each path. */
  readonly mounts: readonly { readonly path: string; readonly kind: CredentialKind }[];
  readonly identities: WorkloadIdentities;
  /** Host names of the TLS certificate; may refer to `$(POD_NAME)`. */
  readonly tlsHosts: readonly string[];
  readonly podIdentity?: PodIdentity;
  readonly imagePullPolicy?: ImagePullPolicy;
  /**
   * The workload's own persistent volume (one per pod): enrolled credentials are kept there and reused across
   * restarts (enroll/store.ts). @default - none: every start enrolls again
   */
  readonly persistentVolume?: Volume;
}

/** A volume for a credential mount, optionally a per-pod sub-folder of it. */
export interface CredentialVolume {
  readonly volume: Volume;
  readonly subPathExpr?: string;
}

/** What binding produced: a volume per credential mount path, and env the node container needs for them. */
export interface CredentialBinding {
  readonly volumes: ReadonlyMap<string, CredentialVolume>;
  readonly containerEnv: Readonly<Record<string, EnvValue>>;
}

/** An org's CA as its clients reach it. */
export interface CaEndpoint {
  /** `https://<service>.<namespace>.svc.<domain>:<port>` */
  readonly url: string;
  /** `caname` of the CA. */
  readonly caName: string;
  /** ConfigMap with the CA's root certificate under `ca.pem`. */
  readonly trustConfigMap: string;
}

export interface EnrollFromCaOptions {
  /** The CA to enroll at (FabricCa.endpoint). */
  readonly ca: CaEndpoint;
  /**
   * Image with Node.js 24 and the built workspace — the operator image — which runs the enroll command.
   * @default emr/operator:0.1.0
   */
  readonly image?: ImageRef;
  /**
   * Command of the init container: enroll/cli.ts compiled, where the operator image has it (the operator
   * workspace at /app, @emr/cdk8s among its production node_modules).
   * @default ['node', '/app/node_modules/@emr/cdk8s/dist/enroll/cli.js']
   */
  readonly command?: readonly string[];
  /** @default 20m/500m CPU, 64/192 MiB */
  readonly resources?: ContainerResources;
}

export const DEFAULT_TOOLS_IMAGE: ImageRef = { repository: 'emr/operator', tag: '0.1.0' };
export const DEFAULT_ENROLL_COMMAND: readonly string[] = [
  'node',
  '/app/node_modules/@emr/cdk8s/dist/enroll/cli.js',
];

/** The source of a node's MSP and TLS folders; see the module comment. */
export abstract class NodeCredentials {
  /** An init container enrolls the node at its org's CA; keys stay in the pod's memory. */
  static enrollFromCa(options: EnrollFromCaOptions): NodeCredentials {
    return new EnrolledCredentials(options);
  }

  /**
   * Folders come from Secrets `<node>-msp` and `<node>-tls` (keys: enroll/contract.ts CREDENTIAL_SECRET_KEYS);
   * for a StatefulSet with several pods, keys are prefixed `<pod>.`.
   */
  static fromSecrets(): NodeCredentials {
    return new SecretCredentials();
  }

  /** Attaches the volumes (and init container) to the workload. Called once by the construct. */
  abstract bind(target: CredentialTarget): CredentialBinding;
}

class SecretCredentials extends NodeCredentials {
  bind(target: CredentialTarget): CredentialBinding {
    const { identities } = target;
    const volumes = new Map<string, CredentialVolume>();
    for (const mount of target.mounts) {
      const files = CREDENTIAL_SECRET_KEYS[mount.kind];
      const prefixes = identities.perPod
        ? identities.podNames.map((pod) => [`${pod}.`, `${pod}/`])
        : [['', '']];
      const items = Object.fromEntries(
        prefixes.flatMap(([keyPrefix = '', pathPrefix = '']) =>
          Object.entries(files).map(([key, path]) => [
            `${keyPrefix}${key}`,
            { path: `${pathPrefix}${path}` },
          ]),
        ),
      );
      const secretName = credentialSecretName(target.name, mount.kind);
      const secret = Secret.fromSecretName(target.workload, `${mount.kind}-secret`, secretName);
      const volume = Volume.fromSecret(target.workload, `${mount.kind}-volume`, secret, {
        name: mount.kind,
        defaultMode: 0o440,
        items,
      });
      volumes.set(mount.path, identities.perPod ? { volume, subPathExpr: '$(POD_NAME)' } : { volume });
    }
    const containerEnv: Record<string, EnvValue> = identities.perPod
      ? { POD_NAME: EnvValue.fromFieldRef(EnvFieldPaths.POD_NAME) }
      : {};
    return { volumes, containerEnv };
  }
}

class EnrolledCredentials extends NodeCredentials {
  readonly #options: EnrollFromCaOptions;

  constructor(options: EnrollFromCaOptions) {
    super();
    this.#options = options;
  }

  bind(target: CredentialTarget): CredentialBinding {
    const { workload, identities } = target;
    const volumes = new Map<string, CredentialVolume>();
    const env: Record<string, EnvValue> = {};
    if (identities.perPod) env['POD_NAME'] = EnvValue.fromFieldRef(EnvFieldPaths.POD_NAME);
    const id = identities.perPod ? '$(POD_NAME)' : identities.enrollmentId;
    const ids = identities.perPod ? identities.podNames : [identities.enrollmentId];
    Object.assign(env, {
      [ENROLL_ENV.caUrl]: EnvValue.fromValue(this.#options.ca.url),
      [ENROLL_ENV.caName]: EnvValue.fromValue(this.#options.ca.caName),
      [ENROLL_ENV.caTrustFile]: EnvValue.fromValue(`${ENROLL_PATHS.caTrust}/${CA_TRUST_KEY}`),
      [ENROLL_ENV.mspId]: EnvValue.fromValue(target.mspId),
      [ENROLL_ENV.enrollmentId]: EnvValue.fromValue(id),
      [ENROLL_ENV.secretFile]: EnvValue.fromValue(`${ENROLL_PATHS.enrollmentSecrets}/${id}`),
      [ENROLL_ENV.tlsHosts]: EnvValue.fromValue(target.tlsHosts.join(',')),
    });
    const image = withPullPolicy(this.#options.image ?? DEFAULT_TOOLS_IMAGE, target.imagePullPolicy);
    const init = workload.addInitContainer({
      name: 'enroll',
      image: imageName(image),
      imagePullPolicy: image.pullPolicy,
      command: [...(this.#options.command ?? DEFAULT_ENROLL_COMMAND)],
      envVariables: env,
      resources: this.#options.resources ?? DEFAULT_RESOURCES.init,
      securityContext: containerSecurity(target.podIdentity),
    });
    for (const mount of target.mounts) {
      const volume = Volume.fromEmptyDir(workload, `${mount.kind}-volume`, mount.kind, {
        medium: EmptyDirMedium.MEMORY,
        sizeLimit: Size.mebibytes(1),
      });
      init.mount(mount.path, volume);
      init.env.addVariable(
        mount.kind === 'msp' ? ENROLL_ENV.mspDir : ENROLL_ENV.tlsDir,
        EnvValue.fromValue(mount.path),
      );
      volumes.set(mount.path, { volume });
    }
    if (target.persistentVolume) {
      init.mount(ENROLL_PATHS.nodeData, target.persistentVolume);
      init.env.addVariable(
        ENROLL_ENV.storeDir,
        EnvValue.fromValue(`${ENROLL_PATHS.nodeData}/${ENROLL_PATHS.storeFolder}`),
      );
    }
    const enrollments = Secret.fromSecretName(workload, 'enrollments', enrollmentSecretName(target.org));
    init.mount(
      ENROLL_PATHS.enrollmentSecrets,
      Volume.fromSecret(workload, 'enrollment-volume', enrollments, {
        name: 'enrollment',
        defaultMode: 0o440,
        items: Object.fromEntries(ids.map((key) => [key, { path: key }])),
      }),
      { readOnly: true },
    );
    const trust = ConfigMap.fromConfigMapName(workload, 'ca-trust', this.#options.ca.trustConfigMap);
    init.mount(
      ENROLL_PATHS.caTrust,
      Volume.fromConfigMap(workload, 'ca-trust-volume', trust, {
        name: 'ca-trust',
        items: { [CA_TRUST_KEY]: { path: CA_TRUST_KEY } },
      }),
      { readOnly: true },
    );
    return { volumes, containerEnv: {} };
  }
}
