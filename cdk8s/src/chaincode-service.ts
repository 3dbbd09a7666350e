import { type ContainerResources, Deployment, DeploymentStrategy, Service } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import {
  chaincodeServerSpec,
  MUTUAL_TLS_CONNECTION,
  packageChaincodeAsService,
  type NodeSpec,
  type OrgModel,
} from '@emr/network';
import { assertDnsLabel, selectorLabels, serviceFqdn, serviceHostNames, workloadLabels } from './conventions';
import { NodeCredentials } from './credentials';
import { addNodeContainer } from './node-container';
import { orgPods, resolveNetworkAccess, WorkloadNetworkPolicy } from './network-policies';
import {
  DEFAULT_RESOURCES,
  withDefaults,
  withPullPolicy,
  type ImageRef,
  type WorkloadOptions,
} from './workload-options';
import { finishWorkload, namespaceOf, podDefaults } from './workload-support';
import {
  podDisruptionBudget,
  replicaDisruptionBudget,
  spreadPods,
  type DisruptionBudgetOptions,
  type SpreadOptions,
} from './placement';

/** Where Node.js, the shim's CLI and the chaincode live in the chaincode image. */
export interface ChaincodeRuntime {
  readonly node: string;
  readonly shimCli: string;
  readonly modulePath: string;
}

/** The layout of the chaincode image (chaincode/ built and installed with its own shrinkwrap under /app). */
export const DEFAULT_CHAINCODE_RUNTIME: ChaincodeRuntime = {
  node: 'node',
  shimCli: '/app/node_modules/fabric-shim/cli.js',
  modulePath: '/app',
};

export const DEFAULT_CHAINCODE_IMAGE: ImageRef = { repository: 'emr/chaincode', tag: '0.1.0' };

export interface ChaincodeServiceProps extends WorkloadOptions {
  readonly org: OrgModel;
  /** Deployment and Service. @default `chaincode-<org.name>` */
  readonly name?: string;
  /** Chaincode name and version; the package label is `<name>_<version>`. @default { name: 'emr', version: '1.0' } */
  readonly chaincode?: { readonly name: string; readonly version: string };
  /**
   * Package ID the peers know the chaincode by.
   * @default - computed from `chaincode` exactly as devnet and the operator package it (one package, mutual TLS)
   */
  readonly packageId?: string;
  /** @default emr/chaincode:0.1.0 */
  readonly image?: ImageRef;
  /** @default DEFAULT_CHAINCODE_RUNTIME */
  readonly runtime?: ChaincodeRuntime;
  /** @default 9999 */
  readonly port?: number;
  /** @default 1 */
  readonly replicas?: number;
  /** Source of the TLS folder (server certificate; CA of the peers' client certificates). @default fromSecrets */
  readonly credentials?: NodeCredentials;
  /** @default 50m/500m CPU, 96/384 MiB */
  readonly resources?: ContainerResources;
  /** Keep replicas on different nodes and zones. Preferred, never required. @default across nodes and zones */
  readonly spread?: SpreadOptions | false;
  /**
   * PodDisruptionBudget `<name>`, so that a node drain leaves the org's peers a chaincode server to call.
   * @default { maxUnavailable: 1 } for more than one replica; none for one (it would protect nothing)
   */
  readonly disruptionBudget?: DisruptionBudgetOptions | false;
}

const TLS_DIR = '/var/hyperledger/chaincode/tls';

/**
 * The EMR chaincode as a service for one org: a Deployment and a ClusterIP Service the org's peers dial with
 * mutual TLS (the address in their chaincode-builder config). Only the org's peers may connect.
 */
export class ChaincodeService extends Construct {
  readonly spec: NodeSpec;
  readonly name: string;
  readonly service: Service;
  readonly deployment: Deployment;
  /** `host:port` the peers dial (the builder config's `address`). */
  readonly address: string;
  readonly packageId: string;

  constructor(scope: Construct, id: string, serviceProps: ChaincodeServiceProps) {
    super(scope, id);
    const chaincode = serviceProps.chaincode ?? { name: 'emr', version: '1.0' };
    const props = withDefaults(serviceProps, {
      name: `chaincode-${serviceProps.org.name}`,
      port: 9999,
      replicas: 1,
      image: DEFAULT_CHAINCODE_IMAGE,
      runtime: DEFAULT_CHAINCODE_RUNTIME,
      credentials: NodeCredentials.fromSecrets(),
      resources: DEFAULT_RESOURCES.chaincode,
      managedBy: 'cdk8s',
      packageId: packageChaincodeAsService(`${chaincode.name}_${chaincode.version}`, MUTUAL_TLS_CONNECTION)
        .packageId,
    });
    const { name, port } = props;
    assertDnsLabel(name, 'chaincode service name');
    this.name = name;
    this.packageId = props.packageId;
    const namespace = namespaceOf(this, props.namespace);
    const dns = { service: name, namespace: namespace ?? 'default', clusterDomain: props.clusterDomain };
    this.address = `${serviceFqdn(dns)}:${port}`;
    const image = withPullPolicy(props.image, props.imagePullPolicy);
    this.spec = chaincodeServerSpec({
      name,
      mspId: props.org.mspId,
      placement: { listenHost: '0.0.0.0', advertisedHost: serviceFqdn(dns) },
      port,
      packageId: this.packageId,
      tlsDir: TLS_DIR,
      image: `${image.repository}:${image.tag}`,
      runtime: props.runtime,
    });
    const labels = workloadLabels({
      component: 'chaincode',
      instance: name,
      org: props.org.name,
      version: image.tag,
      managedBy: props.managedBy,
    });
    const selector = selectorLabels({ component: 'chaincode', instance: name });
    this.service = new Service(this, 'Service', {
      metadata: { name, namespace, labels },
      ports: [{ name: 'grpc', port, targetPort: port }],
    });
    this.deployment = new Deployment(this, 'Deployment', {
      metadata: { name, namespace, labels },
      podMetadata: { labels },
      select: false,
      replicas: props.replicas,
      strategy: DeploymentStrategy.rollingUpdate(),
      ...podDefaults(this, props),
    });
    const credentials = props.credentials.bind({
      workload: this.deployment,
      name,
      org: props.org.name,
      mspId: props.org.mspId,
      mounts: [{ path: TLS_DIR, kind: 'tls' }],
      identities: { perPod: false, enrollmentId: name },
      tlsHosts: [...serviceHostNames(dns), 'localhost'],
      podIdentity: props.podIdentity,
      imagePullPolicy: props.imagePullPolicy,
    });
    addNodeContainer(this.deployment, {
      spec: this.spec,
      image,
      resources: props.resources,
      podIdentity: props.podIdentity,
      volumes: credentials.volumes,
      extraEnv: credentials.containerEnv,
    });
    finishWorkload(this.deployment, selector, { others: [this.service] });
    spreadPods(this.deployment, selector, props.spread);
    const maxUnavailable = replicaDisruptionBudget(props.replicas, props.disruptionBudget);
    if (maxUnavailable !== undefined) {
      podDisruptionBudget(this, 'DisruptionBudget', { name, namespace, labels, selector, maxUnavailable });
    }
    if (props.networkPolicy ?? true) {
      const access = resolveNetworkAccess(props.networkAccess);
      new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
        name,
        namespace,
        labels,
        podSelector: selector,
        ingress: [{ peers: [orgPods('peer', props.org.name)], ports: [port] }],
        egress: [{ peers: [orgPods('ca', props.org.name)], ports: [access.ports.ca] }],
      });
    }
  }
}
