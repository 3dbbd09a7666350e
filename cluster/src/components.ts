/**
 * The node's processes, in start order: containerd, etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
 * kubelet, kube-proxy. Every listener is on the node address of the dummy interface.
 */
import { readFileSync } from 'node:fs';
import { run } from './exec';
import { httpOk } from './kube-client';
import type { Pki } from './pki';
import { NODE_PORT_RANGE, PORTS, type ClusterLayout } from './settings';
import type { Component } from './supervisor';

export const COMPONENT_NAMES = [
  'containerd',
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
] as const;

export type ComponentName = (typeof COMPONENT_NAMES)[number];

export function components(layout: ClusterLayout, pki: Pki, adminToken: string): Component[] {
  const network = layout.settings.network;
  const ip = network.nodeIp;
  const config = (name: string): string => layout.path('config', name);
  const ca = (): Buffer => readFileSync(pki.cert('ca'));
  const kubeconfigArgs = (name: string): string[] => [
    `--kubeconfig=${config(`${name}.kubeconfig`)}`,
    `--authentication-kubeconfig=${config(`${name}.kubeconfig`)}`,
    `--authorization-kubeconfig=${config(`${name}.kubeconfig`)}`,
  ];
  return [
    {
      name: 'containerd',
      binary: '/usr/bin/containerd',
      args: ['--config', config('containerd.toml')],
      host: ip,
      ports: [],
      ready: async () =>
        (await run('ctr', ['--address', layout.containerdSocket, 'version'], { allowFailure: true })).code ===
        0,
    },
    {
      name: 'etcd',
      binary: layout.bin('etcd'),
      args: [
        `--name=${network.nodeName}`,
        `--data-dir=${layout.path('etcd')}`,
        `--listen-client-urls=https://${ip}:${PORTS.etcd}`,
        `--advertise-client-urls=https://${ip}:${PORTS.etcd}`,
        `--listen-peer-urls=https://${ip}:${PORTS.etcdPeer}`,
        `--initial-advertise-peer-urls=https://${ip}:${PORTS.etcdPeer}`,
        `--initial-cluster=${network.nodeName}=https://${ip}:${PORTS.etcdPeer}`,
        `--listen-metrics-urls=http://${ip}:${PORTS.etcdMetrics}`,
        `--cert-file=${pki.cert('etcd-server')}`,
        `--key-file=${pki.key('etcd-server')}`,
        `--trusted-ca-file=${pki.cert('ca')}`,
        '--client-cert-auth',
        `--peer-cert-file=${pki.cert('etcd-server')}`,
        `--peer-key-file=${pki.key('etcd-server')}`,
        `--peer-trusted-ca-file=${pki.cert('ca')}`,
        '--peer-client-cert-auth',
        '--log-level=warn',
      ],
      host: ip,
      ports: [PORTS.etcd, PORTS.etcdPeer, PORTS.etcdMetrics],
      ready: () => httpOk(`http://${ip}:${PORTS.etcdMetrics}/health`),
    },
    {
      name: 'kube-apiserver',
      binary: layout.bin('kube-apiserver'),
      args: [
        `--advertise-address=${ip}`,
        `--bind-address=${ip}`,
        `--secure-port=${PORTS.apiServer}`,
        `--etcd-servers=https://${ip}:${PORTS.etcd}`,
        `--etcd-cafile=${pki.cert('ca')}`,
        `--etcd-certfile=${pki.cert('apiserver-etcd-client')}`,
        `--etcd-keyfile=${pki.key('apiserver-etcd-client')}`,
        `--tls-cert-file=${pki.cert('apiserver')}`,
        `--tls-private-key-file=${pki.key('apiserver')}`,
        `--client-ca-file=${pki.cert('ca')}`,
        `--token-auth-file=${pki.tokenFile}`,
        `--kubelet-client-certificate=${pki.cert('apiserver-kubelet-client')}`,
        `--kubelet-client-key=${pki.key('apiserver-kubelet-client')}`,
        `--kubelet-certificate-authority=${pki.cert('ca')}`,
        '--kubelet-preferred-address-types=InternalIP',
        `--service-account-issuer=https://kubernetes.default.svc.${network.clusterDomain}`,
        `--service-account-key-file=${pki.file('service-account.pub')}`,
        `--service-account-signing-key-file=${pki.key('service-account')}`,
        `--service-cluster-ip-range=${network.serviceCidr}`,
        `--service-node-port-range=${NODE_PORT_RANGE}`,
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        '--anonymous-auth=false',
        '--profiling=false',
        '--event-ttl=1h',
      ],
      host: ip,
      ports: [PORTS.apiServer],
      ready: () => httpOk(`https://${ip}:${PORTS.apiServer}/readyz`, { ca: ca(), token: adminToken }),
      readyTimeoutMs: 90_000,
    },
    {
      name: 'kube-controller-manager',
      binary: layout.bin('kube-controller-manager'),
      args: [
        ...kubeconfigArgs('controller-manager'),
        `--bind-address=${ip}`,
        `--secure-port=${PORTS.controllerManager}`,
        '--leader-elect=false',
        `--service-account-private-key-file=${pki.key('service-account')}`,
        `--root-ca-file=${pki.cert('ca')}`,
        `--cluster-signing-cert-file=${pki.cert('ca')}`,
        `--cluster-signing-key-file=${pki.key('ca')}`,
        '--use-service-account-credentials',
        `--service-cluster-ip-range=${network.serviceCidr}`,
        '--allocate-node-cidrs=false',
        '--profiling=false',
      ],
      host: ip,
      ports: [PORTS.controllerManager],
      ready: () => httpOk(`https://${ip}:${PORTS.controllerManager}/healthz`, { insecure: true }),
    },
    {
      name: 'kube-scheduler',
      binary: layout.bin('kube-scheduler'),
      args: [
        ...kubeconfigArgs('scheduler'),
        `--bind-address=${ip}`,
        `--secure-port=${PORTS.scheduler}`,
        '--leader-elect=false',
        '--profiling=false',
      ],
      host: ip,
      ports: [PORTS.scheduler],
      ready: () => httpOk(`https://${ip}:${PORTS.scheduler}/healthz`, { insecure: true }),
    },
    {
      name: 'kubelet',
      binary: layout.bin('kubelet'),
      args: [
        `--config=${config('kubelet.json')}`,
        `--kubeconfig=${config('kubelet.kubeconfig')}`,
        `--root-dir=${layout.kubeletRoot}`,
        `--hostname-override=${network.nodeName}`,
        `--node-ip=${ip}`,
      ],
      host: ip,
      ports: [PORTS.kubelet, PORTS.kubeletHealthz],
      ready: () => httpOk(`http://${ip}:${PORTS.kubeletHealthz}/healthz`),
    },
    {
      name: 'kube-proxy',
      binary: layout.bin('kube-proxy'),
      args: [`--config=${config('kube-proxy.json')}`],
      host: ip,
      ports: [PORTS.proxyHealthz, PORTS.proxyMetrics],
      ready: () => httpOk(`http://${ip}:${PORTS.proxyHealthz}/healthz`),
    },
  ];
}
