// Every authorization case of the status API, against the real database: who may see and change what,
// and that a refusal never carries data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './support/database.js';
import { apiConfig, apiHarness, OPERATOR_TOKEN, userWithToken, type ApiHarness } from './support/api.js';
import { uniqueName } from './support/temporal.js';

const db = useTestDatabase();
let api: ApiHarness;
const alice = uniqueName('alice');
const bob = uniqueName('bob');
let aliceToken: string;
let bobToken: string;

beforeAll(async () => {
  api = apiHarness({ prisma: db.prisma });
  aliceToken = await userWithToken({ prisma: db.prisma, config: api.config }, { userId: alice, intervalSeconds: 3600 });
  bobToken = await userWithToken({ prisma: db.prisma, config: api.config }, { userId: bob, intervalSeconds: 7200 });
});
afterAll(() => api?.close());

const protectedRoutes = (userId: string) =>
  [
    ['GET', `/jobs/${userId}`, undefined],
    ['PATCH', `/jobs/${userId}/settings`, { intervalSeconds: 120 }],
    ['POST', `/jobs/${userId}/run-now`, undefined],
    ['GET', '/jobs', undefined],
    ['GET', '/overview', undefined],
    ['GET', '/metrics', undefined],
  ] as const;

/** A refusal says why in one sentence and nothing else. */
function expectBareError(response: { json(): unknown; headers: Record<string, unknown> }) {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json() as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error).toBe('string');
  return body.error as string;
}

describe('status API authentication', () => {
  it.each(protectedRoutes('placeholder').map(([method, url]) => [method, url]))('%s %s without a token is 401 with a Bearer challenge', async (method, url) => {
    const realUrl = url.replace('placeholder', alice);
    const response = await api.call(method, realUrl);
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(expectBareError(response)).toMatch(/Authentication required/);
  });

  it.each([
    ['a Basic header', 'Basic YWxpY2U6c2VjcmV0'],
    ['Bearer with no token', 'Bearer'],
    ['Bearer and spaces', 'Bearer    '],
    ['a lowercase scheme', 'bearer abc'],
    ['two tokens', 'Bearer abc def'],
    ['a token too long to hash', `Bearer ${'x'.repeat(513)}`],
  ])('a malformed Authorization header (%s) is 401', async (_what, header) => {
    for (const [method, url, body] of protectedRoutes(alice)) {
      const response = await api.app.inject({ method, url, headers: { authorization: header }, ...(body && { payload: body }) });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(expectBareError(response)).toMatch(/Malformed Authorization header/);
    }
  });

  it('a token nobody holds is 401 on every route, and changes nothing', async () => {
    for (const [method, url, body] of protectedRoutes(alice)) {
      const response = await api.call(method, url, 'ast_not-a-real-token', body);
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(expectBareError(response)).toBe('Invalid token.');
    }
    const row = await db.prisma.threatSettings.findUniqueOrThrow({ where: { userId: alice } });
    expect(row.intervalSeconds).toBe(3600);
  });

  it("the hash of the operator token is not itself a token", async () => {
    const response = await api.call('GET', '/overview', api.config.OPERATOR_TOKEN_HASH);
    expect(response.statusCode).toBe(401);
  });

  it('without OPERATOR_TOKEN_HASH nobody is an operator', async () => {
    const config = apiConfig();
    delete (config as { OPERATOR_TOKEN_HASH?: string }).OPERATOR_TOKEN_HASH;
    const noOperator = apiHarness({ prisma: db.prisma, config });
    try {
      expect((await noOperator.call('GET', '/overview', OPERATOR_TOKEN)).statusCode).toBe(401);
      expect((await noOperator.call('GET', `/jobs/${alice}`, OPERATOR_TOKEN)).statusCode).toBe(401);
      // Users are unaffected.
      expect((await noOperator.call('GET', `/jobs/${alice}`, aliceToken)).statusCode).toBe(200);
    } finally {
      await noOperator.close();
    }
  });

  it('an unknown route asks for a token first, then is a JSON 404', async () => {
    expect((await api.call('GET', '/nothing-here')).statusCode).toBe(401);
    const response = await api.call('GET', '/nothing-here', aliceToken);
    expect(response.statusCode).toBe(404);
    expect(expectBareError(response)).toBe('Not found.');
  });

  it('probes and the OpenAPI description need no token', async () => {
    expect((await api.call('GET', '/healthz')).statusCode).toBe(200);
    expect((await api.call('GET', '/openapi.json')).statusCode).toBe(200);
    // readyz answers (503 here: this app has no Temporal), but never 401.
    expect((await api.call('GET', '/readyz')).statusCode).not.toBe(401);
  });
});

describe('status API authorization', () => {
  it('a user reads their own job', async () => {
    const response = await api.call('GET', `/jobs/${alice}`, aliceToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ userId: alice, intervalSeconds: 3600 });
  });

  it("a user asking for another user's job gets the same 404 as for a user that does not exist", async () => {
    const other = await api.call('GET', `/jobs/${bob}`, aliceToken);
    const missing = await api.call('GET', '/jobs/nobody-by-this-name', aliceToken);
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(expectBareError(other)).toBe(`No job for user ${bob}.`);
    expect(expectBareError(missing)).toBe('No job for user nobody-by-this-name.');
    // The operator sees the same wording for a job that does not exist.
    expect((await api.call('GET', '/jobs/nobody-by-this-name', OPERATOR_TOKEN)).json()).toEqual(missing.json());
    expect(other.body).not.toContain('7200');
  });

  it("a user cannot change or run another user's job, and the other job is untouched", async () => {
    const before = await db.prisma.threatSettings.findUniqueOrThrow({ where: { userId: bob } });
    const patch = await api.call('PATCH', `/jobs/${bob}/settings`, aliceToken, { intervalSeconds: 60, enabled: false });
    const runNow = await api.call('POST', `/jobs/${bob}/run-now`, aliceToken);
    expect(patch.statusCode).toBe(404);
    expect(runNow.statusCode).toBe(404);
    expect(expectBareError(patch)).toBe(`No job for user ${bob}.`);
    expect(expectBareError(runNow)).toBe(`No job for user ${bob}.`);
    const after = await db.prisma.threatSettings.findUniqueOrThrow({ where: { userId: bob } });
    expect(after).toEqual(before);
  });

  it('a user token on the operator routes is 403', async () => {
    for (const url of ['/jobs', '/overview', '/metrics', '/jobs?status=failed']) {
      const response = await api.call('GET', url, bobToken);
      expect(response.statusCode, url).toBe(403);
      expect(expectBareError(response)).toBe('This route needs the operator token.');
    }
  });

  it('the operator reads every job and the operator routes', async () => {
    for (const userId of [alice, bob]) {
      const response = await api.call('GET', `/jobs/${userId}`, OPERATOR_TOKEN);
      expect(response.statusCode).toBe(200);
      expect(response.json().userId).toBe(userId);
    }
    const list = await api.call('GET', '/jobs', OPERATOR_TOKEN);
    expect(list.statusCode).toBe(200);
    expect(list.json().jobs.map((j: { userId: string }) => j.userId)).toEqual(expect.arrayContaining([alice, bob]));
    expect((await api.call('GET', '/overview', OPERATOR_TOKEN)).statusCode).toBe(200);
    expect((await api.call('GET', '/metrics', OPERATOR_TOKEN)).statusCode).toBe(200);
  });

  it('the operator changes any job (here without Temporal: stored, 202)', async () => {
    const response = await api.call('PATCH', `/jobs/${bob}/settings`, OPERATOR_TOKEN, { intervalSeconds: 900 });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ userId: bob, settings: { intervalSeconds: 900, enabled: true }, delivery: 'temporal_unavailable' });
    expect((await db.prisma.threatSettings.findUniqueOrThrow({ where: { userId: bob } })).intervalSeconds).toBe(900);
  });

  it('no response ever carries a token hash', async () => {
    const hashes = (await db.prisma.threatSettings.findMany({ select: { apiTokenHash: true } })).map((r) => r.apiTokenHash!);
    const bodies = await Promise.all([
      api.call('GET', `/jobs/${alice}`, aliceToken),
      api.call('GET', '/jobs', OPERATOR_TOKEN),
      api.call('GET', '/overview', OPERATOR_TOKEN),
      api.call('GET', `/jobs/${bob}`, aliceToken),
    ]);
    for (const response of bodies) for (const hash of hashes) expect(response.body).not.toContain(hash);
  });
});
