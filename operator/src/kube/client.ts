/**
 * A narrow, typed client of the Kubernetes API: the requests the operator makes and nothing else. Credentials
 * come from @kubernetes/client-node's KubeConfig (kubeconfig file, in-cluster service account, or a string);
 * requests go through node:https so that content types (server-side apply), query parameters (fieldManager,
 * fieldValidation) and watch streams are explicit.
 */
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './errors';
import type { WatchEvent } from './types';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestSpec {
  readonly query?: Query;
  /** Objects are sent as JSON; strings as they are. */
  readonly body?: unknown;
  /** Default `application/json`. */
  readonly contentType?: string;
  /** Default 30 s. */
  readonly timeoutMs?: number;
}

export interface KubeClient {
  /** The API server's base URL. */
  readonly server: string;
  /** One request; rejects with {@link KubeApiError} for error statuses. */
  request<T>(method: string, path: string, spec?: RequestSpec): Promise<T>;
  /** GET, with 404 as undefined. */
  get<T>(path: string, query?: Query): Promise<T | undefined>;
  /**
   * Streams a watch: calls `onEvent` per line until the server ends the stream (resolves) or it fails (rejects).
   * Aborting `signal` ends it (resolves).
   */
  watch<T>(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

/** Loads credentials the usual way: KUBECONFIG / ~/.kube/config, else the in-cluster service account. */
export function loadKubeConfig(kubeconfig?: string): KubeConfig {
  const config = new KubeConfig();
  if (kubeconfig !== undefined) config.loadFromString(kubeconfig);
  else config.loadFromDefault();
  return config;
}

export function newKubeClient(config: KubeConfig): KubeClient {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const server = cluster.server.replace(/\/+$/, '');

  const open = async (
    method: string,
    path: string,
    spec: RequestSpec,
    accept: string,
  ): Promise<{ url: URL; options: RequestOptions; payload: string | undefined }> => {
    const url = new URL(server + path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const options: RequestOptions = { method, headers: { Accept: accept } };
    await config.applyToHTTPSOptions(options);
    const payload =
      spec.body === undefined
        ? undefined
        : typeof spec.body === 'string'
          ? spec.body
          : JSON.stringify(spec.body);
    const headers: Record<string, string | number> = {
      ...(options.headers as Record<string, string>),
      ...(payload === undefined
        ? {}
        : {
            'Content-Type': spec.contentType ?? 'application/json',
            'Content-Length': Buffer.byteLength(payload),
          }),
    };
    return { url, options: { ...options, headers }, payload };
  };

  const send = <T>(method: string, path: string, spec: RequestSpec = {}): Promise<T> =>
    open(method, path, spec, 'application/json').then(
      ({ url, options, payload }) =>
        new Promise<T>((resolve, reject) => {
          const req = (url.protocol === 'http:' ? httpRequest : httpsRequest)(url, options, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const body = parseBody(text, res.headers['content-type']);
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) resolve(body as T);
              else reject(KubeApiError.from(method, path, status, body));
            });
          });
          req.setTimeout(spec.timeoutMs ?? 30_000, () => {
            req.destroy(new Error(`${method} ${path}: no answer within ${spec.timeoutMs ?? 30_000} ms`));
          });
          req.on('error', reject);
          req.end(payload);
        }),
    );

  return {
    server,
    request: send,
    async get<T>(path: string, query?: Query): Promise<T | undefined> {
      try {
        return await send<T>('GET', path, query === undefined ? {} : { query });
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 404) return undefined;
        throw error;
      }
    },
    async watch<T>(
      path: string,
      query: Query,
      onEvent: (event: WatchEvent<T>) => void,
      signal: AbortSignal,
    ): Promise<void> {
      const { url, options } = await open(
        'GET',
        path,
        { query: { ...query, watch: true } },
        'application/json',
      );
      await new Promise<void>((resolve, reject) => {
        if (signal.aborted) {
          resolve();
          return;
        }
        const req = (url.protocol === 'http:' ? httpRequest : httpsRequest)(url, options, (res) => {
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              reject(KubeApiError.from('WATCH', path, status, parseBody(text, res.headers['content-type'])));
            });
            return;
          }
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffered += chunk;
            let newline = buffered.indexOf('\n');
            while (newline >= 0) {
              const line = buffered.slice(0, newline).trim();
              buffered = buffered.slice(newline + 1);
              if (line !== '') onEvent(JSON.parse(line) as WatchEvent<T>);
              newline = buffered.indexOf('\n');
            }
          });
          res.on('end', () => {
            resolve();
          });
          res.on('error', (error) => {
            if (signal.aborted) resolve();
            else reject(error);
          });
        });
        const abort = (): void => {
          req.destroy();
          resolve();
        };
        signal.addEventListener('abort', abort, { once: true });
        req.on('close', () => {
          signal.removeEventListener('abort', abort);
        });
        req.on('error', (error) => {
          if (signal.aborted) resolve();
          else reject(error);
        });
        req.end();
      });
    },
  };
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if ((contentType ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
