// End to end: the real workflow on the real dev server scrapes the fixture sources into Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { useTestDatabase } from './support/database.js';
import { runsOf, testConfig, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { withWorker } from './support/worker.js';
import { startFixtureServer, type FixtureServer } from './fixtures/feeds/server.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server?.close();
});

describe('a scheduled scrape through the workflow', () => {
  it('stores the matching items and one run row per run; a failing source is recorded, not fatal; a rerun adds nothing', async () => {
    // Production refuses loopback; here only the fixture host is trusted, the way an operator would trust an internal mirror.
    const config = testConfig({ SCRAPE_ALLOW_PRIVATE_ADDRESSES: 'false', SCRAPE_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' });
    const userId = uniqueName('e2e');
    await db.prisma.threatSettings.create({
      data: {
        userId,
        intervalSeconds: 2,
        keywords: ['zero-day', 'ransomware', 'CVE-2026-1234', 'remote code execution'],
        sources: {
          create: [
            { url: `${server.origin}/cert.rss`, kind: 'rss' },
            { url: `${server.origin}/atom.xml`, kind: 'atom' },
            { url: `${server.origin}/blog/`, kind: 'html' },
            { url: `${server.origin}/server-error`, kind: 'rss' },
          ],
        },
      },
    });
    const handle = await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 2, enabled: true } });
    const runs = await withWorker(temporal, db, config, () =>
      waitFor('two finished runs', async () => {
        const r = await runsOf(db.prisma, userId);
        return r.filter((x) => x.outcome !== 'running').length >= 2 && r;
      }),
    );
    await handle.terminate('test over');

    const [first, second] = runs;
    expect(first).toMatchObject({ outcome: 'success', itemsSeen: 8, newItems: 5, attempts: 1, runNumber: 1 });
    expect(first!.sourceErrors).toEqual([expect.objectContaining({ url: `${server.origin}/server-error`, code: 'SERVER_ERROR' })]);
    // The second run finds the same items (the CERT feed answers 304) and stores none twice.
    expect(second).toMatchObject({ outcome: 'success', newItems: 0, runNumber: 2 });
    const items = await db.prisma.threatItem.findMany({ where: { userId }, orderBy: { url: 'asc' } });
    expect(items).toHaveLength(5);
    expect(items.find((i) => i.url.endsWith('/advisories/cert-2026-0142'))?.matchedKeywords).toEqual(['zero-day', 'CVE-2026-1234', 'remote code execution']);
    const failing = await db.prisma.threatSource.findFirstOrThrow({ where: { userId, url: { endsWith: '/server-error' } } });
    expect(failing.consecutiveFailures).toBe(2);
    expect(failing.lastError).toMatch(/500/);
  });
});
