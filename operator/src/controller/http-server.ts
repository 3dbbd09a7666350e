/**
 * The operator's HTTP endpoints, as controller-runtime serves them: probes (/healthz: the loops are alive,
 * /readyz: caches synced) on one port and Prometheus /metrics on another (or the same, when the ports match).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HttpEndpoints {
  readonly healthz?: () => boolean;
  readonly readyz?: () => boolean;
  readonly metrics?: Registry;
}

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function serveHttp(
  port: number,
  host: string,
  endpoints: HttpEndpoints,
): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const probe = path === '/healthz' ? endpoints.healthz : path === '/readyz' ? endpoints.readyz : undefined;
    if (req.method !== 'GET') {
      res.writeHead(405).end();
    } else if (probe) {
      const ok = probe();
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(ok ? 'ok' : 'not ok');
    } else if (path === '/metrics' && endpoints.metrics) {
      const registry = endpoints.metrics;
      registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
