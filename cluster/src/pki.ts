/**
 * The cluster's throwaway PKI (openssl): one CA for the API server, etcd, the kubelet's serving certificate and
 * the API server's client certificates; a service-account key pair; static bearer tokens for the admin and the
 * control-plane components. Created once per cluster folder, deleted with it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './exec';
import type { ClusterNetwork } from './settings';

export interface Certificate {
  readonly name: string;
  readonly commonName: string;
  readonly organization?: string;
  readonly ips?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly usage: 'server' | 'client' | 'both';
}

/** A user the API server knows by a static token (--token-auth-file). */
export interface TokenUser {
  readonly name: string;
  readonly user: string;
  readonly groups: readonly string[];
}

export const TOKEN_USERS: readonly TokenUser[] = [
  { name: 'admin', user: 'emr-admin', groups: ['system:masters'] },
  { name: 'kubelet', user: 'system:node:emr-node', groups: ['system:nodes'] },
  { name: 'controller-manager', user: 'system:kube-controller-manager', groups: [] },
  { name: 'scheduler', user: 'system:kube-scheduler', groups: [] },
  { name: 'kube-proxy', user: 'system:kube-proxy', groups: [] },
];

export function certificates(network: ClusterNetwork): Certificate[] {
  const domain = network.clusterDomain;
  return [
    {
      name: 'apiserver',
      commonName: 'kube-apiserver',
      ips: [network.nodeIp, network.apiServiceIp],
      dnsNames: [
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        `kubernetes.default.svc.${domain}`,
      ],
      usage: 'server',
    },
    {
      name: 'apiserver-kubelet-client',
      commonName: 'kube-apiserver-kubelet-client',
      organization: 'system:masters',
      usage: 'client',
    },
    { name: 'apiserver-etcd-client', commonName: 'kube-apiserver-etcd-client', usage: 'client' },
    { name: 'etcd-server', commonName: 'etcd', ips: [network.nodeIp], usage: 'both' },
    {
      name: 'kubelet',
      commonName: `system:node:${network.nodeName}`,
      ips: [network.nodeIp],
      dnsNames: [network.nodeName],
      usage: 'server',
    },
  ];
}

export class Pki {
  constructor(readonly dir: string) {}

  file(name: string): string {
    return join(this.dir, name);
  }
  cert(name: string): string {
    return this.file(`${name}.crt`);
  }
  key(name: string): string {
    return this.file(`${name}.key`);
  }
  get tokenFile(): string {
    return this.file('tokens.csv');
  }

  /** Creates whatever is missing; returns how many files it wrote. */
  async ensure(network: ClusterNetwork): Promise<number> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    let written = 0;
    if (!existsSync(this.cert('ca'))) {
      await this.#newKey('ca');
      await run('openssl', [
        'req',
        '-x509',
        '-new',
        '-key',
        this.key('ca'),
        '-days',
        '3650',
        '-subj',
        '/CN=emr-cluster-ca',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
        '-out',
        this.cert('ca'),
      ]);
      written += 2;
    }
    for (const certificate of certificates(network)) {
      if (!existsSync(this.cert(certificate.name))) {
        await this.#issue(certificate);
        written += 2;
      }
    }
    if (!existsSync(this.key('service-account'))) {
      await this.#newKey('service-account');
      await run('openssl', [
        'pkey',
        '-in',
        this.key('service-account'),
        '-pubout',
        '-out',
        this.file('service-account.pub'),
      ]);
      written += 2;
    }
    if (!existsSync(this.tokenFile)) {
      const lines = TOKEN_USERS.map((u) => {
        const token = randomBytes(24).toString('hex');
        return `${token},${u.user},${u.user},"${u.groups.join(',')}"`;
      });
      await writeFile(this.tokenFile, `${lines.join('\n')}\n`, { mode: 0o600 });
      written += 1;
    }
    return written;
  }

  async token(name: string): Promise<string> {
    const user = TOKEN_USERS.find((u) => u.name === name);
    const line = (await readFile(this.tokenFile, 'utf8'))
      .split('\n')
      .find((l) => l.split(',')[1] === user?.user);
    if (!user || !line) {
      throw new Error(`no token for ${name} in ${this.tokenFile}`);
    }
    return line.split(',')[0] ?? '';
  }

  async #newKey(name: string): Promise<void> {
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      this.key(name),
    ]);
  }

  async #issue(certificate: Certificate): Promise<void> {
    await this.#newKey(certificate.name);
    const subject = `/CN=${certificate.commonName}${certificate.organization ? `/O=${certificate.organization}` : ''}`;
    const usages = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[
      certificate.usage
    ];
    const sans = [
      ...(certificate.ips ?? []).map((ip) => `IP:${ip}`),
      ...(certificate.dnsNames ?? []).map((d) => `DNS:${d}`),
    ];
    const extensions = [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${usages}`,
      ...(sans.length > 0 ? [`subjectAltName=${sans.join(',')}`] : []),
    ];
    const extFile = this.file(`${certificate.name}.ext`);
    await writeFile(extFile, `${extensions.join('\n')}\n`);
    const csr = await run('openssl', ['req', '-new', '-key', this.key(certificate.name), '-subj', subject]);
    await run(
      'openssl',
      [
        'x509',
        '-req',
        '-CA',
        this.cert('ca'),
        '-CAkey',
        this.key('ca'),
        '-days',
        '825',
        '-set_serial',
        `0x${randomBytes(16).toString('hex')}`,
        '-extfile',
        extFile,
        '-out',
        this.cert(certificate.name),
      ],
      { input: csr.stdout },
    );
    await rm(extFile);
  }
}
