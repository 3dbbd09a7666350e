import { Size } from 'cdk8s';
import { type ContainerResources, Service, StatefulSet, Volume } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { caSpec, images, type NodeSpec, type OrgModel, type SecretKeyRef } from '@emr/network';
import {
  assertDnsLabel,
  orgSelector,
  selectorLabels,
  serviceFqdn,
  serviceHostNames,
  workloadLabels,
} from './conventions';
import type { CaEndpoint } from './credentials';
import { caTrustConfigMapName } from './enroll/contract';
import { addNodeContainer, specPort } from './node-container';
import {
  DEFAULT_RESOURCES,
  parseImage,
  withPullPolicy,
  type ImageRef,
  type StorageOptions,
  type WorkloadOptions,
} from './workload-options';
import { metricsRule, resolveNetworkAccess, WorkloadNetworkPolicy } from './network-policies';
import { dataClaim, finishWorkload, namespaceOf, podDefaults } from './workload-support';

export interface FabricCaProps extends WorkloadOptions {
  /** The org the CA issues identities for. */
  readonly org: OrgModel;
  /** Service, StatefulSet and `caname`. @default `ca-<org.name>` */
  readonly name?: string;
  /** @default hyperledger/fabric-ca:1.5.21 (the node spec's image) */
  readonly image?: ImageRef;
  /** @default { api: 7054, operations: 9443 } */
  readonly ports?: { readonly api: number; readonly operations: number };
  /** Persistent volume for FABRIC_CA_HOME (SQLite registry, the CA's keys). @default 1Gi, default class */
  readonly storage?: StorageOptions;
  /**
   * Secret holding the bootstrap registrar's password, referenced by the spec — never copied into the manifest.
   * @default { name: `<name>-registrar`, key: 'secret' }
   */
  readonly registrarSecret?: SecretKeyRef;
  /** Enrollment ID of the bootstrap registrar. @default 'registrar' */
  readonly registrarId?: string;
  /** @default 50m/500m CPU, 64/256 MiB */
  readonly resources?: ContainerResources;
}

const HOME = '/var/hyperledger/fabric-ca';

/**
 * One org's Fabric CA with TLS: a single-replica StatefulSet (SQLite needs one writer) with a PVC for its home,
 * and a ClusterIP Service. It signs enrollment certificates and, with the `tls` profile, TLS certificates.
 * On first start it generates its root (ca-cert.pem) in its home; the registrar step publishes that root in
 * the ConfigMap {@link FabricCa.endpoint}.trustConfigMap.
 */
export class FabricCa extends Construct {
  readonly spec: NodeSpec;
  readonly name: string;
  readonly service: Service;
  readonly statefulSet: StatefulSet;
  /** How clients reach the CA; give it to NodeCredentials.enrollFromCa. */
  readonly endpoint: CaEndpoint;
  /** The Secret (made by the platform engineer) with the bootstrap registrar's password. */
  readonly registrarSecret: SecretKeyRef;

  constructor(scope: Construct, id: string, props: FabricCaProps) {
    super(scope, id);
    const name = props.name ?? `ca-${props.org.name}`;
    assertDnsLabel(name, 'CA name');
    this.name = name;
    const namespace = namespaceOf(this, props.namespace);
    const ports = props.ports ?? { api: 7054, operations: 9443 };
    const dns = { service: name, namespace: namespace ?? 'default', clusterDomain: props.clusterDomain };
    this.registrarSecret = props.registrarSecret ?? { name: `${name}-registrar`, key: 'secret' };
    this.spec = caSpec({
      name,
      mspId: props.org.mspId,
      caName: name,
      placement: { listenHost: '0.0.0.0', advertisedHost: serviceFqdn(dns) },
      ports,
      home: HOME,
      csrHosts: [...serviceHostNames(dns), 'localhost'],
      bootstrap: {
        enrollmentId: props.registrarId ?? 'registrar',
        secret: this.registrarSecret,
      },
    });
    const image = withPullPolicy(props.image ?? parseImage(images.ca), props.imagePullPolicy);
    const labels = workloadLabels({
      component: 'ca',
      instance: name,
      org: props.org.name,
      version: image.tag,
      managedBy: props.managedBy ?? 'cdk8s',
    });
    const selector = selectorLabels({ component: 'ca', instance: name });
    this.service = new Service(this, 'Service', {
      metadata: { name, namespace, labels },
      ports: [
        { name: 'https', port: ports.api, targetPort: ports.api },
        { name: 'operations', port: ports.operations, targetPort: ports.operations },
      ],
    });
    this.statefulSet = new StatefulSet(this, 'StatefulSet', {
      metadata: { name, namespace, labels },
      podMetadata: { labels },
      select: false,
      service: this.service,
      replicas: 1,
      ...podDefaults(this, props),
      volumeClaimTemplates: [dataClaim(props.storage, Size.gibibytes(1))],
    });
    addNodeContainer(this.statefulSet, {
      spec: this.spec,
      image,
      resources: props.resources ?? DEFAULT_RESOURCES.ca,
      podIdentity: props.podIdentity,
      volumes: new Map([[HOME, { volume: Volume.fromName(this, 'Data', 'data') }]]),
    });
    finishWorkload(this.statefulSet, selector, { governing: this.service });
    if (props.networkPolicy ?? true) {
      const access = resolveNetworkAccess(props.networkAccess);
      new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
        name,
        namespace,
        labels,
        podSelector: selector,
        ingress: [
          // Enroll init containers of the org's workloads, and the registrar (operator).
          {
            peers: [{ namespaces: { kind: 'same' }, pods: orgSelector(props.org.name) }, access.adminClients],
            ports: [ports.api],
          },
          ...metricsRule(access, ports.operations),
        ],
        egress: [],
      });
    }
    this.endpoint = {
      url: `https://${serviceFqdn(dns)}:${specPort(this.spec, 'https')}`,
      caName: name,
      trustConfigMap: caTrustConfigMapName(name),
    };
  }
}
