/**
 * The node's own network pieces on the host: a dummy interface with the node address (the API server is
 * advertised there), the service range routed into it, and one FORWARD rule that keeps pod traffic on this
 * machine. All of it is removed by cluster-down.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { ClusterError, run } from '../exec';
import type { ClusterNetwork } from '../settings';

export const EGRESS_COMMENT = 'emr-cluster: pods stay on this machine';

export function interfaceExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

export async function ensureNodeInterface(network: ClusterNetwork): Promise<'created' | 'present'> {
  let outcome: 'created' | 'present' = 'present';
  if (!interfaceExists(network.interfaceName)) {
    // A dummy interface where the kernel has the driver; else a bridge without ports, which behaves the same here
    // (this VM type's kernel has no dummy driver): local addresses work, anything routed into it is dropped.
    let result = await run('ip', ['link', 'add', network.interfaceName, 'type', 'dummy'], {
      allowFailure: true,
    });
    if (result.code !== 0) {
      result = await run('ip', ['link', 'add', network.interfaceName, 'type', 'bridge'], {
        allowFailure: true,
      });
    }
    if (result.code !== 0) {
      throw new ClusterError(
        `could not create the node interface ${network.interfaceName} (${result.stderr.trim()}): the kernel needs the dummy or bridge driver and this process CAP_NET_ADMIN`,
      );
    }
    const ipv6 = `/proc/sys/net/ipv6/conf/${network.interfaceName}/disable_ipv6`;
    if (existsSync(ipv6)) await run('sh', ['-c', `echo 1 > ${ipv6}`]);
    outcome = 'created';
  }
  const addresses = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', network.interfaceName]);
  if (!addresses.stdout.includes(` ${network.nodeIp}/`)) {
    await run('ip', ['addr', 'add', `${network.nodeIp}/32`, 'dev', network.interfaceName]);
  }
  await run('ip', ['link', 'set', network.interfaceName, 'up']);
  // A packet to a service IP that kube-proxy does not translate goes nowhere instead of to the default gateway.
  await run('ip', [
    'route',
    'replace',
    network.serviceCidr,
    'dev',
    network.interfaceName,
    'src',
    network.nodeIp,
  ]);
  return outcome;
}

const egressRule = (network: ClusterNetwork): string[] => [
  'FORWARD',
  '-i',
  network.bridge,
  '!',
  '-o',
  network.bridge,
  '-m',
  'comment',
  '--comment',
  EGRESS_COMMENT,
  '-j',
  'REJECT',
];

/**
 * Pods may talk to each other and to this node, never through it to another host: one REJECT rule, kept first
 * in FORWARD (kube-proxy and the kubelet insert their own jumps at the top when they start).
 */
export async function ensureEgressGuard(network: ClusterNetwork): Promise<'added' | 'moved' | 'present'> {
  const [chain = 'FORWARD', ...spec] = egressRule(network);
  const rules = (await run('iptables', ['-w', '-S', chain])).stdout
    .split('\n')
    .filter((l) => l.startsWith('-A '));
  if (rules[0]?.includes(EGRESS_COMMENT)) return 'present';
  const present = rules.some((l) => l.includes(EGRESS_COMMENT));
  if (present) await run('iptables', ['-w', '-D', chain, ...spec]);
  await run('iptables', ['-w', '-I', chain, '1', ...spec]);
  return present ? 'moved' : 'added';
}

/** True when nothing listens on host:port (binding it succeeds). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}
