/**
 * What the tests on the one-node cluster share: volumes bound in advance (the node has no storage provisioner),
 * readiness of pods and Jobs, random secrets, and HTTPS calls from the host to NodePorts on loopback.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { APP_USER } from '../../src/images/catalog';
import { waitFor, type KubeClient, type KubeObject } from '../../src/kube-client';

export interface PodLike {
  metadata: { name: string; uid?: string; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

export function isReady(pod: PodLike): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Random bytes from openssl, as a platform engineer makes a password or key. */
export function random(bytes: number, encoding: 'hex' | 'base64' = 'hex'): string {
  return execFileSync('openssl', ['rand', `-${encoding}`, String(bytes)], { encoding: 'utf8' }).trim();
}

export interface Claim {
  readonly namespace: string;
  readonly name: string;
}

/**
 * A StorageClass without provisioner and one hostPath PersistentVolume per claim under `root`, bound to it in
 * advance and owned by the images' app user.
 */
export function hostPathVolumes(
  root: string,
  storageClass: string,
  claims: readonly Claim[],
  options: { readonly isDefault?: boolean } = {},
): KubeObject[] {
  return [
    {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: storageClass,
        ...(options.isDefault
          ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }
          : {}),
      },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
    },
    ...claims.map(({ namespace, name }): KubeObject => {
      const path = join(root, namespace, name);
      mkdirSync(path, { recursive: true });
      chownSync(path, APP_USER.uid, APP_USER.gid);
      return {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `${namespace}-${name}` },
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: storageClass,
          claimRef: { namespace, name },
          hostPath: { path, type: 'Directory' },
        },
      };
    }),
  ];
}

interface JobLike {
  status?: { succeeded?: number; conditions?: { type: string; status: string }[] };
}

/** Waits for a Job to succeed; throws as soon as Kubernetes declares it failed (its retries are used up). */
export async function jobSucceeds(
  client: KubeClient,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    `job ${name} complete`,
    async () => {
      const status = (await client.get<JobLike>(`/apis/batch/v1/namespaces/${namespace}/jobs/${name}`))
        ?.status;
      if (status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True')) {
        throw new Error(`job ${name} failed`);
      }
      return (status?.succeeded ?? 0) > 0 ? true : undefined;
    },
    timeoutMs,
  );
}

/** GET over TLS from the host without verifying the server: checks reachability, not identity. */
export function getFromHost(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false, timeout: 5000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}

export interface GatewayAnswer {
  readonly status: number;
  /** Parsed JSON, or the text when the body is not JSON. */
  readonly body: Record<string, unknown> & { token?: string; enrollmentSecret?: string };
}

/**
 * A JSON call to a gateway through its NodePort on loopback, verified against the provider's CA (the gateway's
 * certificate names localhost).
 */
export function gatewayCall(
  port: number,
  trust: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<GatewayAnswer> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      `https://localhost:${port}${path}`,
      {
        method,
        ca: trust,
        timeout: 60_000,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: response.statusCode ?? 0, body: body as GatewayAnswer['body'] });
        });
      },
    );
    req.once('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.once('error', reject);
    req.end(payload);
  });
}
