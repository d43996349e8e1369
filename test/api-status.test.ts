// The status API's read routes, validation, probes, OpenAPI and metrics, against the real database
// and with no Temporal at all: the database alone answers every status read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../src/db/prisma.js';
import { useTestDatabase } from './support/database.js';
import { apiConfig, apiHarness, OPERATOR_TOKEN, userWithToken, type ApiHarness } from './support/api.js';
import { uniqueName } from './support/temporal.js';

const db = useTestDatabase();
let api: ApiHarness;
const carol = uniqueName('carol');
const late = uniqueName('late');
let carolToken: string;
const HOUR = 3600_000;

beforeAll(async () => {
  api = apiHarness({ prisma: db.prisma });
  carolToken = await userWithToken({ prisma: db.prisma, config: api.config }, { userId: carol, intervalSeconds: 600, keywords: ['cve'] });
  const now = Date.now();
  await db.prisma.threatSettings.update({
    where: { userId: carol },
    data: { jobStatus: 'failed', lastRunAt: new Date(now - HOUR), nextRunAt: new Date(now + HOUR), consecutiveFailures: 2, lastError: 'all sources failed', runCount: 3 },
  });
  for (const runNumber of [1, 2, 3]) {
    await db.prisma.scrapeRun.create({
      data: {
        userId: carol,
        runKey: `job:${runNumber}`,
        runNumber,
        scheduledAt: new Date(now - (4 - runNumber) * HOUR),
        finishedAt: new Date(now - (4 - runNumber) * HOUR + 1000),
        outcome: runNumber === 1 ? 'success' : 'failure',
        error: runNumber === 1 ? null : 'boom',
        sourceErrors: [{ source: 'secret-internal-detail' }],
      },
    });
  }
  for (const n of [1, 2, 3]) {
    await db.prisma.threatItem.create({
      data: { userId: carol, url: `https://example.test/${n}`, title: `CVE item ${n}`, firstSeenAt: new Date(now - (4 - n) * 1000), matchedKeywords: ['cve'] },
    });
  }
});
afterAll(() => api?.close());

describe('GET /jobs/:userId from the database, Temporal absent', () => {
  it('answers 200 with status, runs and items, newest first', async () => {
    const response = await api.call('GET', `/jobs/${carol}`, carolToken);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      userId: carol,
      enabled: true,
      intervalSeconds: 600,
      keywords: ['cve'],
      status: 'failed',
      consecutiveFailures: 2,
      lastError: 'all sources failed',
      runCount: 3,
    });
    expect(new Date(body.lastRunAt).getTime()).toBeLessThan(new Date(body.nextRunAt).getTime());
    expect(body.recentRuns.map((r: { runNumber: number }) => r.runNumber)).toEqual([3, 2, 1]);
    expect(body.recentRuns[0]).toMatchObject({ outcome: 'failure', error: 'boom', attempts: 1 });
    expect(body.recentItems.map((i: { title: string }) => i.title)).toEqual(['CVE item 3', 'CVE item 2', 'CVE item 1']);
    // Internal columns stay inside: no row ids, run keys or raw per-source errors.
    expect(response.body).not.toMatch(/runKey|sourceErrors|secret-internal-detail|apiTokenHash|"id"/);
    expect(body).not.toHaveProperty('live');
    expect(body).not.toHaveProperty('liveError');
  });

  it('limits runs and items on request', async () => {
    const body = (await api.call('GET', `/jobs/${carol}?runs=1&items=0`, carolToken)).json();
    expect(body.recentRuns.map((r: { runNumber: number }) => r.runNumber)).toEqual([3]);
    expect(body.recentItems).toEqual([]);
  });

  it('with live=true and no Temporal client, still 200 from the database and says why live is missing', async () => {
    const response = await api.call('GET', `/jobs/${carol}?live=true`, carolToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'failed', liveError: 'Temporal is not reachable' });
    expect(response.json()).not.toHaveProperty('live');
  });

  it.each([
    ['a bad user id', '/jobs/bad!id'],
    ['a user id starting with a dot', '/jobs/.hidden'],
    ['a user id too long', `/jobs/${'a'.repeat(201)}`],
    ['runs not a number', '/jobs/USER?runs=abc'],
    ['runs negative', '/jobs/USER?runs=-1'],
    ['runs too many', '/jobs/USER?runs=101'],
    ['live not a boolean', '/jobs/USER?live=maybe'],
    ['an unknown query parameter', '/jobs/USER?verbose=1'],
  ])('rejects %s with 400', async (_what, url) => {
    const response = await api.call('GET', url.replace('USER', carol), OPERATOR_TOKEN);
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json())).toEqual(['error']);
    expect(response.json().error).toMatch(/^Invalid request: /);
  });
});

describe('path limits', () => {
  it('accepts a 200-character user id and answers a far longer path parameter with a JSON 414', async () => {
    expect((await api.call('GET', `/jobs/${'a'.repeat(200)}`, OPERATOR_TOKEN)).statusCode).toBe(404);
    const response = await api.call('GET', `/jobs/${'a'.repeat(300)}`, OPERATOR_TOKEN);
    expect(response.statusCode).toBe(414);
    expect(Object.keys(response.json())).toEqual(['error']);
    const badEncoding = await api.call('GET', '/jobs/%E0%A4%A', OPERATOR_TOKEN);
    expect(badEncoding.statusCode).toBe(400);
    expect(Object.keys(badEncoding.json())).toEqual(['error']);
  });
});

describe('PATCH /jobs/:userId/settings validation (nothing is written)', () => {
  it.each([
    ['interval 0', { intervalSeconds: 0 }],
    ['a negative interval', { intervalSeconds: -60 }],
    ['a NaN interval', { intervalSeconds: 'NaN' }],
    ['an interval as a string', { intervalSeconds: '600' }],
    ['a fractional interval', { intervalSeconds: 1.5 }],
    ['an interval above the maximum', { intervalSeconds: 7 * 24 * 3600 + 1 }],
    ['enabled not a boolean', { enabled: 'yes' }],
    ['an unknown field', { intervalSeconds: 600, keywords: ['x'] }],
    ['an empty body', {}],
    ['an array', [600]],
  ])('rejects %s with 400', async (_what, body) => {
    const before = await db.prisma.threatSettings.findUniqueOrThrow({ where: { userId: carol } });
    const response = await api.call('PATCH', `/jobs/${carol}/settings`, carolToken, body);
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json())).toEqual(['error']);
    expect(await db.prisma.threatSettings.findUniqueOrThrow({ where: { userId: carol } })).toEqual(before);
  });

  it('rejects an interval that overflows to Infinity and a body that is not JSON', async () => {
    for (const payload of ['{"intervalSeconds":1e400}', '{"intervalSeconds":', 'intervalSeconds=600']) {
      const response = await api.app.inject({
        method: 'PATCH',
        url: `/jobs/${carol}/settings`,
        headers: { authorization: `Bearer ${carolToken}`, 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode, payload).toBe(400);
      expect(Object.keys(response.json())).toEqual(['error']);
    }
  });

  it('a bad user id is 400, for users and the operator alike', async () => {
    for (const token of [carolToken, OPERATOR_TOKEN]) {
      const response = await api.call('PATCH', '/jobs/bad%20id/settings', token, { intervalSeconds: 600 });
      expect(response.statusCode).toBe(400);
    }
  });

  it('the operator changing a user that does not exist gets 404', async () => {
    const response = await api.call('PATCH', '/jobs/ghost/settings', OPERATOR_TOKEN, { intervalSeconds: 600 });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'No job for user ghost.' });
    expect(await db.prisma.threatSettings.count({ where: { userId: 'ghost' } })).toBe(0);
  });
});

describe('POST /jobs/:userId/run-now without Temporal', () => {
  it('is 503, and 409 for a paused job', async () => {
    const unavailable = await api.call('POST', `/jobs/${carol}/run-now`, carolToken);
    expect(unavailable.statusCode).toBe(503);
    expect(Object.keys(unavailable.json())).toEqual(['error']);
    const paused = uniqueName('paused');
    const token = await userWithToken({ prisma: db.prisma, config: api.config }, { userId: paused, enabled: false });
    const conflict = await api.call('POST', `/jobs/${paused}/run-now`, token);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error).toMatch(/paused/);
  });
});

describe('operator routes', () => {
  it('GET /jobs filters by status and lateness, and validates its query', async () => {
    await userWithToken({ prisma: db.prisma, config: api.config }, { userId: late });
    await db.prisma.threatSettings.update({ where: { userId: late }, data: { jobStatus: 'completed', nextRunAt: new Date(Date.now() - 2 * HOUR) } });

    const failed = (await api.call('GET', '/jobs?status=failed', OPERATOR_TOKEN)).json();
    expect(failed.jobs.map((j: { userId: string }) => j.userId)).toEqual([carol]);
    expect(failed.jobs[0]).toMatchObject({ status: 'failed', consecutiveFailures: 2, intervalSeconds: 600 });
    const overdue = (await api.call('GET', '/jobs?overdueBySeconds=3600', OPERATOR_TOKEN)).json();
    expect(overdue.jobs.map((j: { userId: string }) => j.userId)).toEqual([late]);
    expect((await api.call('GET', '/jobs?limit=1', OPERATOR_TOKEN)).json().jobs).toHaveLength(1);

    for (const query of ['status=sleeping', 'overdueBySeconds=-1', 'limit=0', 'limit=1001', 'limit=x', 'order=asc']) {
      const response = await api.call('GET', `/jobs?${query}`, OPERATOR_TOKEN);
      expect(response.statusCode, query).toBe(400);
    }
  });

  it('GET /overview counts per status, lists overdue and disabled jobs, and shows the last health check', async () => {
    const broken = uniqueName('broken');
    await userWithToken({ prisma: db.prisma, config: api.config }, { userId: broken });
    await db.prisma.threatSettings.update({
      where: { userId: broken },
      data: { jobStatus: 'disabled_due_to_failures', consecutiveFailures: 5, lastError: 'feed gone', nextRunAt: null },
    });
    await db.prisma.healthCheckReport.create({
      data: { startedAt: new Date(Date.now() - 10 * HOUR), finishedAt: new Date(Date.now() - 10 * HOUR), checked: 1 },
    });
    await db.prisma.healthCheckReport.create({
      data: {
        startedAt: new Date(Date.now() - 1000),
        finishedAt: new Date(),
        checked: 4,
        started: 1,
        resynced: 2,
        stopped: 0,
        errorCount: 1,
        errors: [{ userId: broken, error: 'could not start' }],
      },
    });

    const response = await api.call('GET', '/overview', OPERATOR_TOKEN);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const rows = await db.prisma.threatSettings.findMany();
    expect(body.totalJobs).toBe(rows.length);
    expect(body.countsByStatus).toMatchObject({ failed: 1, completed: 1, disabled_due_to_failures: 1 });
    expect(Object.values(body.countsByStatus as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(body.countsByStatus.not_started).toBe(rows.filter((r) => r.jobStatus === null).length);
    expect(body.overdue.thresholdSeconds).toBe(60);
    expect(body.overdue.count).toBe(1);
    expect(body.overdue.jobs).toEqual([expect.objectContaining({ userId: late, status: 'completed' })]);
    expect(body.disabled).toEqual({ count: 1, jobs: [expect.objectContaining({ userId: broken, status: 'disabled_due_to_failures', consecutiveFailures: 5, lastError: 'feed gone' })] });
    expect(body.paused).toBe(rows.filter((r) => !r.enabled).length);
    expect(body.lastHealthCheck).toMatchObject({ checked: 4, started: 1, resynced: 2, stopped: 0, errorCount: 1, errors: [{ userId: broken, error: 'could not start' }] });
    expect(body.lastHealthCheck).not.toHaveProperty('id');

    expect((await api.call('GET', '/overview?overdueBySeconds=abc', OPERATOR_TOKEN)).statusCode).toBe(400);
    expect((await api.call('GET', '/overview?overdueBySeconds=999999', OPERATOR_TOKEN)).json().overdue.count).toBe(0);
  });
});

describe('probes', () => {
  it('/healthz answers without touching the database', async () => {
    const dead = createPrisma('postgresql://nobody@127.0.0.1:1/none');
    const offline = apiHarness({ prisma: dead });
    try {
      const response = await offline.call('GET', '/healthz');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ ok: true });
    } finally {
      await offline.close();
      await dead.$disconnect();
    }
  });

  it('/readyz is 200 when Postgres and Temporal answer', async () => {
    const ready = apiHarness({ prisma: db.prisma, checkTemporal: async () => {} });
    try {
      const response = await ready.call('GET', '/readyz');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ ready: true, checks: { postgres: 'ok', temporal: 'ok' } });
    } finally {
      await ready.close();
    }
  });

  it('/readyz is 503 naming Temporal when it fails, without its error text', async () => {
    const notReady = apiHarness({ prisma: db.prisma, checkTemporal: () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:7233')) });
    try {
      const response = await notReady.call('GET', '/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ ready: false, checks: { postgres: 'ok', temporal: 'failed' }, error: 'Not ready: temporal unavailable.' });
      expect(response.body).not.toContain('10.1.2.3');
    } finally {
      await notReady.close();
    }
  });

  it('/readyz is 503 naming Postgres when the database is unreachable', async () => {
    const dead = createPrisma('postgresql://nobody@127.0.0.1:1/none');
    const notReady = apiHarness({ prisma: dead, checkTemporal: async () => {} });
    try {
      const response = await notReady.call('GET', '/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ ready: false, checks: { postgres: 'failed', temporal: 'ok' } });
    } finally {
      await notReady.close();
      await dead.$disconnect();
    }
  });

  it('/readyz gives up on a dependency that hangs after API_READY_TIMEOUT_MS', async () => {
    const hanging = apiHarness({ prisma: db.prisma, config: apiConfig({ API_READY_TIMEOUT_MS: '50' }), checkTemporal: () => new Promise(() => {}) });
    try {
      const response = await hanging.call('GET', '/readyz');
      expect(response.statusCode).toBe(503);
      expect(response.json().checks).toEqual({ postgres: 'ok', temporal: 'failed' });
    } finally {
      await hanging.close();
    }
  });

  it('a database outage during a status read is a bare 500, with no driver detail', async () => {
    const dead = createPrisma('postgresql://nobody@127.0.0.1:1/none');
    const offline = apiHarness({ prisma: dead });
    try {
      const response = await offline.call('GET', '/jobs/someone', OPERATOR_TOKEN);
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: 'Internal server error.' });
    } finally {
      await offline.close();
      await dead.$disconnect();
    }
  });
});

describe('OpenAPI and metrics', () => {
  it('serves an OpenAPI 3.1 description of every route with bearer security', async () => {
    const response = await api.call('GET', '/openapi.json');
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/healthz', '/jobs', '/jobs/{userId}', '/jobs/{userId}/run-now', '/jobs/{userId}/settings', '/metrics', '/overview', '/readyz'].sort(),
    );
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    const patch = doc.paths['/jobs/{userId}/settings'].patch;
    const bodySchema = patch.requestBody.content['application/json'].schema;
    expect(bodySchema.properties.intervalSeconds).toMatchObject({ minimum: api.config.INTERVAL_MIN_SECONDS, maximum: api.config.INTERVAL_MAX_SECONDS });
    expect(bodySchema.additionalProperties).toBe(false);
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '202', '400', '401', '404']));
    const detail = doc.paths['/jobs/{userId}'].get.responses['200'].content['application/json'].schema;
    expect(detail.properties.lastRunAt.anyOf).toContainEqual({ type: 'string', format: 'date-time' });
  });

  it('GET /metrics exposes HTTP counts and durations and jobs per status from the database', async () => {
    await api.call('GET', `/jobs/${carol}`, carolToken);
    const response = await api.call('GET', '/metrics', OPERATOR_TOKEN);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    const rows = await db.prisma.threatSettings.findMany();
    expect(text).toContain(`auto_scrape_jobs{status="failed"} ${rows.filter((r) => r.jobStatus === 'failed').length}`);
    expect(text).toContain(`auto_scrape_jobs{status="disabled_due_to_failures"} 1`);
    expect(text).toContain(`auto_scrape_jobs{status="paused"} 0`);
    expect(text).toContain(`auto_scrape_jobs{status="not_started"} ${rows.filter((r) => r.jobStatus === null).length}`);
    expect(text).toMatch(/auto_scrape_jobs_overdue [1-9]/);
    // Routes are labelled by pattern, never by user id.
    expect(text).toMatch(/auto_scrape_api_http_requests_total\{method="GET",route="\/jobs\/:userId",status_code="200"\} [1-9]/);
    expect(text).toMatch(/auto_scrape_api_http_request_duration_seconds_count\{method="GET",route="\/jobs\/:userId",status_code="200"\} [1-9]/);
    expect(text).not.toContain(carol);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('job gauges are left empty, not stale, while the database is down', async () => {
    const dead = createPrisma('postgresql://nobody@127.0.0.1:1/none');
    const offline = apiHarness({ prisma: dead });
    try {
      const text = (await offline.call('GET', '/metrics', OPERATOR_TOKEN)).body;
      // The operator is recognised without the database; the gauges say nothing rather than something old.
      expect(text).not.toMatch(/^auto_scrape_jobs\{/m);
      expect(text).toContain('auto_scrape_api_metrics_collect_failures_total 1');
    } finally {
      await offline.close();
      await dead.$disconnect();
    }
  });
});
