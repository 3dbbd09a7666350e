import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse as Response } from 'fastify';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SwaggerParser from '@apidevtools/swagger-parser';
import { chaincodeEndorseError } from '../test-support/fake-ledger';
import { bearer, newTestApp, problemOf, type TestApp } from '../test-support/test-app';

/** The committed OpenAPI document; regenerate with UPDATE_OPENAPI=1 after an intended API change. */
const GOLDEN = join(__dirname, '..', '..', 'openapi.json');

describe('OpenAPI document and docs page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await newTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves a valid OpenAPI 3 document at /openapi.json, equal to the committed copy', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const document = response.json<{ openapi: string; info: { title: string } }>();
    expect(document.openapi).toBe('3.0.3');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    // The title names the org; the committed copy is of Provider1MSP. Compared as data: prettier formats it.
    if (process.env['UPDATE_OPENAPI'] === '1')
      writeFileSync(GOLDEN, `${JSON.stringify(document, null, 2)}\n`);
    expect(document).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  });

  it('documents every API route with an operationId, tags, and problem responses', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { operationId?: string; tags?: string[]; responses: object }>>;
    }>();
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(26);
    for (const { path, operation } of operations) {
      expect(operation.operationId).toEqual(expect.any(String));
      expect(operation.tags?.length).toBe(1);
      if (path.startsWith('/api/')) expect(Object.keys(operation.responses)).toContain('400');
    }
    expect(document.paths['/api/v1/shared-emrs/{ownerOrg}/{patientId}']).toBeDefined();
  });

  it('serves the docs page', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger-ui');
  });
});

describe('probes, metrics, headers and logs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await newTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /livez always, and /readyz only while the peer is reachable and no shutdown is under way', async () => {
    const probe = (url: string): Promise<Response> => t.app.inject({ method: 'GET', url });
    expect((await probe('/livez')).json()).toEqual({ status: 'ok' });
    expect((await probe('/readyz')).json()).toEqual({ status: 'ready' });
    t.ledger.reachable = false;
    expect(problemOf(await probe('/readyz'))).toMatchObject({ status: 503, code: 'LEDGER_UNAVAILABLE' });
    t.ledger.reachable = true;
    t.lifecycle.closing = true;
    expect(problemOf(await probe('/readyz'))).toMatchObject({ status: 503, code: 'SHUTTING_DOWN' });
    t.lifecycle.closing = false;
    expect((await probe('/livez')).statusCode).toBe(200);
  });

  it('sends security headers and echoes a harmless X-Request-Id, replacing anything else', async () => {
    const echoed = await t.app.inject({
      method: 'GET',
      url: '/livez',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    expect(echoed.headers['x-content-type-options']).toBe('nosniff');
    expect(echoed.headers['content-security-policy']).toBeDefined();
    const replaced = await t.app.inject({
      method: 'GET',
      url: '/livez',
      headers: { 'x-request-id': 'a\nb c' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes request latency by route pattern and Fabric outcomes by transaction, without ids or health data', async () => {
    const physician = await t.userWithRole('dr-metrics', 'physician');
    t.ledger.on('Physician:GetEmrByPatientId', () => {
      throw chaincodeEndorseError('NOT_FOUND', 'no EMR');
    });
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/patients/SECRET-ID-42/emr',
      headers: bearer(physician),
    });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(
      'http_request_duration_seconds_count{method="GET",route="/api/v1/patients/:patientId/emr",status_code="404"} 1',
    );
    expect(metrics).toContain(
      'fabric_transactions_total{transaction="Physician:GetEmrByPatientId",kind="evaluate",outcome="NOT_FOUND"} 1',
    );
    expect(metrics).not.toContain('SECRET-ID-42');
  });

  it('logs request ids and route patterns, never passwords, tokens, patient ids or names', async () => {
    const healthcenter = await t.userWithRole('hc-logs', 'healthcenter');
    t.ledger
      .on('HealthCenter:CheckIsPatientRegistered', false)
      .on('HealthCenter:DerivePatientRef', { patientRef: '9'.repeat(64) })
      .on('HealthCenter:CreateEmr', { emrId: 'e'.repeat(64), ownerMsp: 'Provider1MSP', version: 1 });
    const admitted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/patients',
      headers: bearer(healthcenter),
      payload: { patientId: 'PHI-777', name: 'Zelda Secretname', birthDate: '1970-01-01' },
    });
    const { username, enrollmentSecret } = admitted.json<{ username: string; enrollmentSecret: string }>();
    await t.login(username, enrollmentSecret);
    await t.app.inject({
      method: 'GET',
      url: '/api/v1/patients/PHI-777/registered',
      headers: bearer(healthcenter),
    });
    const logs = t.logs.join('');
    expect(logs).toContain('"route":"/api/v1/patients/:patientId/registered"');
    expect(logs).toMatch(/"reqId":"[0-9a-f-]{36}"/);
    for (const secret of ['PHI-777', 'Secretname', enrollmentSecret, healthcenter, 'registrar-secret']) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests while closing, and refuses new connections afterwards', async () => {
    const t = await newTestApp();
    try {
      const physician = await t.userWithRole('dr-slow', 'physician');
      t.ledger.on('Physician:AddEmrNote', async () => {
        await sleep(300);
        return { emrId: 'e'.repeat(64), seq: 1, version: 2 };
      });
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = t.app.server.address() as AddressInfo;
      const inFlight = fetch(`http://127.0.0.1:${String(port)}/api/v1/emrs/${'e'.repeat(64)}/notes`, {
        method: 'POST',
        headers: { ...bearer(physician), 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'written while closing' }),
      });
      await sleep(100);
      t.lifecycle.closing = true;
      const closing = t.app.close();
      const answer = await inFlight;
      expect(answer.status).toBe(201);
      await closing;
      await expect(fetch(`http://127.0.0.1:${String(port)}/livez`)).rejects.toThrow();
    } finally {
      await t.store.close();
    }
  });
});
