/**
 * The registrar step of the bootstrap network (charts/emr-network, "Before the pods can start"; contract in
 * cdk8s/src/enroll/contract.ts): for each org of the chart, publish its CA's root certificate in the ConfigMap
 * `ca-<org>-trust`, register every node identity once (enrollment secrets in the Secret `<org>-enrollments`), and
 * for each peer write the chaincode-as-a-service builder config (`peer0-<provider>-chaincode-builder`): the org's
 * chaincode server address, the CA root and a TLS client certificate and key of the peer.
 *
 * Runs as a Job in the namespace (./cli.ts; the emr-network chart renders it from cdk8s/src/bootstrap.ts) until
 * the operator carries it. Idempotent: a rerun keeps existing secrets and registrations.
 */
import { request } from 'node:https';
import {
  enrollIdentity,
  enrollRegistrar,
  newCaClient,
  type IdentityType,
  type OrgEnrollment,
} from '@emr/network';
import { caTrustConfigMapName, CA_TRUST_KEY } from '@emr/cdk8s';
import type { KubeClient } from '../kube/client';
import { createOrMergePatch } from '../kube/resources';
import { newKubeSecretStore } from '../kube/secret-store';
import { CONFIG_MAPS, type KubeObject, type OwnerReference } from '../kube/types';
import { BOOTSTRAP_LABELS } from './owner';

export interface BootstrapNode {
  readonly id: string;
  readonly type: IdentityType;
}

export interface BootstrapPeer {
  readonly name: string;
  /** `host:port` of the org's chaincode server (the ChaincodeService construct's address). */
  readonly chaincodeAddress: string;
}

export interface BootstrapOrg {
  readonly name: string;
  readonly mspId: string;
  /** CA name and Service name: `ca-<org>`. */
  readonly caName: string;
  readonly nodes: readonly BootstrapNode[];
  readonly peers: readonly BootstrapPeer[];
}

export interface RegistrarOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** Where this process reaches an org's CA (in the namespace: its Service; from the host: a NodePort). */
  readonly caUrl: (org: BootstrapOrg) => string;
  /** Owner of every object created (./owner.ts): the release's anchor. @default - none */
  readonly owner?: OwnerReference;
  readonly log?: (line: string) => void;
}

/** The orgs of the emr-network chart (the EmrNetwork construct's defaults). */
export function chartOrgs(namespace: string, clusterDomain = 'cluster.local'): BootstrapOrg[] {
  const provider = (n: number): BootstrapOrg => {
    const name = `provider${n}`;
    return {
      name,
      mspId: `Provider${n}MSP`,
      caName: `ca-${name}`,
      nodes: [
        { id: `peer0-${name}`, type: 'peer' },
        { id: `chaincode-${name}`, type: 'client' },
        { id: `gateway-${name}`, type: 'client' },
      ],
      peers: [
        {
          name: `peer0-${name}`,
          chaincodeAddress: `chaincode-${name}.${namespace}.svc.${clusterDomain}:9999`,
        },
      ],
    };
  };
  return [
    {
      name: 'orderer',
      mspId: 'OrdererMSP',
      caName: 'ca-orderer',
      nodes: [0, 1, 2].map((i) => ({ id: `orderer-${i}`, type: 'orderer' as const })),
      peers: [],
    },
    provider(1),
    provider(2),
  ];
}

/**
 * The CA's root certificate from /cainfo, trusted on first use: the registrar runs next to the CA it just
 * started (same namespace), and publishes what it read for every later client to verify against.
 */
export function fetchCaRoot(url: string, caName: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/cainfo?ca=${encodeURIComponent(caName)}`,
      { rejectUnauthorized: false, timeout: 10_000 },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          try {
            const parsed = JSON.parse(body) as { success?: boolean; result?: { CAChain?: string } };
            if (!parsed.success || !parsed.result?.CAChain)
              throw new Error(`no CAChain in ${body.slice(0, 200)}`);
            resolve(Buffer.from(parsed.result.CAChain, 'base64').toString('utf8'));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      },
    );
    req.once('timeout', () => req.destroy(new Error(`GET ${url}/cainfo: timeout`)));
    req.once('error', reject);
    req.end();
  });
}

export async function runRegistrar(orgs: readonly BootstrapOrg[], options: RegistrarOptions): Promise<void> {
  const { client, namespace } = options;
  const log = options.log ?? (() => undefined);
  const secrets = newKubeSecretStore(client, {
    namespace,
    labels: BOOTSTRAP_LABELS,
    ...(options.owner ? { owner: options.owner } : {}),
  });
  for (const org of orgs) {
    const url = options.caUrl(org);
    const root = await fetchCaRoot(url, org.caName);
    const configMap: KubeObject & { data: Record<string, string> } = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: caTrustConfigMapName(org.caName),
        namespace,
        labels: { ...BOOTSTRAP_LABELS, 'emr-fabric.dev/org': org.name },
        ...(options.owner ? { ownerReferences: [options.owner] } : {}),
      },
      data: { [CA_TRUST_KEY]: root },
    };
    await createOrMergePatch(client, CONFIG_MAPS, configMap, { data: configMap.data });
    const enrollment: OrgEnrollment = {
      ca: newCaClient({ url, tlsCaCertificate: root, caName: org.caName }),
      org: { name: org.name, mspId: org.mspId },
      secrets,
      registrar: { enrollmentId: 'registrar', secretName: `${org.caName}-registrar`, secretKey: 'secret' },
    };
    const registrar = await enrollRegistrar(enrollment);
    for (const node of org.nodes) {
      // Registers once (secret in <org>-enrollments) and enrolls; the certificate is not kept.
      await enrollIdentity(enrollment, registrar, { enrollmentId: node.id, type: node.type });
    }
    for (const peer of org.peers) {
      const tls = await enrollIdentity(
        enrollment,
        registrar,
        { enrollmentId: peer.name, type: 'peer' },
        { hosts: [] },
      );
      await secrets.put(
        { name: `${peer.name}-chaincode-builder`, key: 'config.json' },
        JSON.stringify({
          address: peer.chaincodeAddress,
          root_cert: root,
          client_cert: tls.certificate,
          client_key: tls.privateKey,
        }),
      );
    }
    log(`${org.name}: trust published, registered ${org.nodes.map((n) => n.id).join(', ')}`);
  }
}
