/**
 * The real etcd + kube-apiserver the operator's integration tests use (cdk8s/test/support), with the EMR CRDs
 * installed and the providers' namespaces created. That harness is test code, outside every workspace's build,
 * so it is loaded from its TypeScript source through tsx (a root devDependency, like jest's ts-jest for the tests)
 * rather than copied here.
 */
import { join } from 'node:path';
import { customResourceDefinitions } from '@emr/cdk8s';
import { REPO_ROOT } from '@emr/network';
import { loadKubeConfig, newKubeClient, type KubeClient } from '@emr/operator';
import { require as requireTypeScript } from 'tsx/cjs/api';

/** What the benchmark uses of cdk8s/test/support/kube-apiserver.ts. */
interface KubeApiServer {
  kubeconfig(): string;
  stop(): Promise<void>;
}

interface HarnessModules {
  readonly server: { startKubeApiServer(): Promise<KubeApiServer> };
  readonly apply: {
    Discovery: new (server: KubeApiServer) => unknown;
    installCrds(server: KubeApiServer, discovery: unknown, crds: readonly unknown[]): Promise<void>;
  };
}

function loadHarness(): HarnessModules {
  const dir = join(REPO_ROOT, 'cdk8s', 'test', 'support');
  return {
    server: requireTypeScript(join(dir, 'kube-apiserver.ts'), __filename) as HarnessModules['server'],
    apply: requireTypeScript(join(dir, 'apply.ts'), __filename) as HarnessModules['apply'],
  };
}

export interface BenchApiServer {
  readonly client: KubeClient;
  stop(): Promise<void>;
}

export async function startBenchApiServer(namespaces: readonly string[]): Promise<BenchApiServer> {
  const harness = loadHarness();
  const server = await harness.server.startKubeApiServer();
  try {
    await harness.apply.installCrds(server, new harness.apply.Discovery(server), customResourceDefinitions());
    const client = newKubeClient(loadKubeConfig(server.kubeconfig()));
    for (const name of namespaces) {
      await client.request('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      });
    }
    return { client, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
