import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './support/database.js';
import { scrapeUserSources, type ScrapeLogger } from '../src/scrape/scrape-user.js';
import { ScrapeError } from '../src/scrape/errors.js';
import type { ScrapeOptions } from '../src/scrape/options.js';
import { ETAG, startFixtureServer, type FixtureServer } from './fixtures/feeds/server.js';

const db = useTestDatabase();
let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(async () => {
  await server?.close();
});

const options: Partial<ScrapeOptions> = {
  allowedPrivateHosts: ['127.0.0.1'],
  perHostSpacingMs: 5,
  totalTimeoutMs: 10_000,
  sourceFailureThreshold: 3,
};

const KEYWORDS = ['zero-day', 'ransomware', 'CVE-2026-1234', 'remote code execution'];

type Kind = 'rss' | 'atom' | 'html';

async function makeUser(sources: Array<[path: string, kind: Kind, selectors?: object]>, keywords = KEYWORDS) {
  const userId = `user-${randomBytes(4).toString('hex')}`;
  await db.prisma.threatSettings.create({ data: { userId, keywords } });
  const ids: number[] = [];
  for (const [path, kind, selectors] of sources) {
    const source = await db.prisma.threatSource.create({ data: { userId, url: `${server.origin}${path}`, kind, ...(selectors ? { selectors } : {}) } });
    ids.push(source.id);
  }
  return { userId, ids };
}

async function rejection(promise: Promise<unknown>): Promise<ScrapeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ScrapeError);
    return err as ScrapeError;
  }
  throw new Error('expected the scrape to fail, it succeeded');
}

const itemsOf = (userId: string) => db.prisma.threatItem.findMany({ where: { userId }, orderBy: { url: 'asc' } });

describe('scrapeUserSources', () => {
  it('stores the items that match the user keywords from RSS, Atom and HTML sources', async () => {
    const { userId, ids } = await makeUser([
      ['/cert.rss', 'rss'],
      ['/atom.xml', 'atom'],
      ['/blog/', 'html'],
    ]);
    const result = await scrapeUserSources(db.prisma, userId, options);
    expect(result).toEqual({ itemsSeen: 8, newItems: 5, sourcesTried: 3, sourcesFailed: 0, sourceErrors: [], disabledSources: [] });

    const items = await itemsOf(userId);
    expect(items.map((i) => [i.url, i.matchedKeywords])).toEqual([
      // The advisory's relative link resolves against the URL the feed was fetched from.
      [`${server.origin}/advisories/cert-2026-0142`, ['zero-day', 'CVE-2026-1234', 'remote code execution']],
      ['https://blog.contoso.example/security/2026/03/zero-day-exchange', ['zero-day']],
      ['https://cert.example.org/advisories/cert-2026-0140', ['ransomware']],
      ['https://other.vendor.example/research/patch-tuesday-march', ['remote code execution']],
      ['https://security.vendor.example/blog/posts/blacklotus-loader', ['ransomware']],
    ]);
    const advisory = items.find((i) => i.url.endsWith('cert-2026-0142'))!;
    expect(advisory.sourceId).toBe(ids[0]);
    expect(advisory.title).toBe('CERT-2026-0142: Zero-day in Contoso VPN Gateway actively exploited (CVE-2026-1234)');
    expect(advisory.publishedAt?.toISOString()).toBe('2026-03-03T08:00:00.000Z');
    expect(items.find((i) => i.url.endsWith('cert-2026-0140'))!.publishedAt).toBeNull();

    const feed = await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(feed).toMatchObject({ consecutiveFailures: 0, lastError: null, etag: ETAG, enabled: true });
    expect(feed.lastFetchedAt).toBeInstanceOf(Date);
  });

  it('never duplicates on a rerun, keeps the first sighting and only moves last_seen_at', async () => {
    const { userId, ids } = await makeUser([
      ['/cert.rss', 'rss'],
      ['/atom.xml', 'atom'],
    ]);
    const first = await scrapeUserSources(db.prisma, userId, options);
    expect(first.newItems).toBe(4);
    const blacklotus = 'https://security.vendor.example/blog/posts/blacklotus-loader';
    // An edit made since (say, by an analyst) must survive the item being seen again.
    await db.prisma.threatItem.update({ where: { userId_url: { userId, url: blacklotus } }, data: { title: 'edited', lastSeenAt: new Date('2020-01-01T00:00:00Z') } });
    const before = await itemsOf(userId);

    const second = await scrapeUserSources(db.prisma, userId, options);
    expect(second.newItems).toBe(0);
    // The CERT feed answered 304 to our stored ETag, so only the Atom feed's items were parsed again.
    expect(server.lastHeaders.get('/cert.rss')?.['if-none-match']).toBe(ETAG);
    expect(second.itemsSeen).toBe(3);

    const after = await itemsOf(userId);
    expect(after).toHaveLength(4);
    const again = after.find((i) => i.url === blacklotus)!;
    const was = before.find((i) => i.url === blacklotus)!;
    expect(again.title).toBe('edited');
    expect(again.id).toBe(was.id);
    expect(again.firstSeenAt).toEqual(was.firstSeenAt);
    expect(again.lastSeenAt.getTime()).toBeGreaterThan(was.lastSeenAt.getTime());
    const feed = await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(feed.etag).toBe(ETAG);
  });

  it('records failures per source and still stores what the healthy sources found', async () => {
    const { userId, ids } = await makeUser([
      ['/atom.xml', 'atom'],
      ['/missing', 'rss'],
      ['/malformed.rss', 'rss'],
    ]);
    const result = await scrapeUserSources(db.prisma, userId, options);
    expect(result.sourcesTried).toBe(3);
    expect(result.sourcesFailed).toBe(2);
    expect(result.newItems).toBe(2);
    expect(result.sourceErrors.map((e) => [e.sourceId, e.code, e.retryable])).toEqual(
      expect.arrayContaining([
        [ids[1], 'NOT_FOUND', false],
        [ids[2], 'UNPARSEABLE', false],
      ]),
    );
    const sources = await db.prisma.threatSource.findMany({ where: { userId }, orderBy: { id: 'asc' } });
    expect(sources.map((s) => s.consecutiveFailures)).toEqual([0, 1, 1]);
    expect(sources[0]!.lastError).toBeNull();
    expect(sources[1]!.lastError).toMatch(/^NOT_FOUND: /);
    expect(sources[2]!.lastError).toMatch(/^UNPARSEABLE: .*malformed XML/);
  });

  it('throws when every source fails, retryable only if some failure was', async () => {
    const permanent = await makeUser([
      ['/missing', 'rss'],
      ['/malformed.rss', 'rss'],
    ]);
    const err = await rejection(scrapeUserSources(db.prisma, permanent.userId, options));
    expect(err.code).toBe('ALL_SOURCES_FAILED');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('NOT_FOUND');
    expect((err.details as { sourcesFailed: number }).sourcesFailed).toBe(2);

    const transient = await makeUser([
      ['/missing', 'rss'],
      ['/rate-limited', 'rss'],
    ]);
    const retryable = await rejection(scrapeUserSources(db.prisma, transient.userId, options));
    expect(retryable).toMatchObject({ code: 'ALL_SOURCES_FAILED', retryable: true, retryAfterMs: 30_000 });
    const recorded = await db.prisma.threatSource.findMany({ where: { userId: transient.userId } });
    expect(recorded.every((s) => s.consecutiveFailures === 1)).toBe(true);
  });

  it('disables a source after N consecutive failed runs while the healthy one keeps being scraped', async () => {
    const { userId, ids } = await makeUser([
      ['/atom.xml', 'atom'],
      ['/server-error', 'rss'],
    ]);
    const threshold = { ...options, sourceFailureThreshold: 2 };
    const first = await scrapeUserSources(db.prisma, userId, threshold);
    expect(first.disabledSources).toEqual([]);
    const second = await scrapeUserSources(db.prisma, userId, threshold);
    expect(second.disabledSources).toEqual([ids[1]]);
    const dead = await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[1]! } });
    expect(dead).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(dead.lastError).toMatch(/^SERVER_ERROR/);

    const third = await scrapeUserSources(db.prisma, userId, threshold);
    expect(third).toMatchObject({ sourcesTried: 1, sourcesFailed: 0 });
  });

  it('resets the failure count when a source recovers', async () => {
    const { userId, ids } = await makeUser([
      ['/atom.xml', 'atom'],
      ['/cert-gzip.rss', 'rss'],
    ]);
    server.overrides.set('/cert-gzip.rss', (_req, res) => res.writeHead(503).end());
    try {
      await scrapeUserSources(db.prisma, userId, options);
      expect((await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[1]! } })).consecutiveFailures).toBe(1);
    } finally {
      server.overrides.delete('/cert-gzip.rss');
    }
    await scrapeUserSources(db.prisma, userId, options);
    const healed = await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[1]! } });
    expect(healed).toMatchObject({ consecutiveFailures: 0, lastError: null, enabled: true });
  });

  it('counts a failure once per run when the activity is retried with the same run start', async () => {
    const { userId, ids } = await makeUser([
      ['/atom.xml', 'atom'],
      ['/server-error', 'rss'],
    ]);
    const runStartedAt = new Date();
    await scrapeUserSources(db.prisma, userId, options, undefined, undefined, { runStartedAt });
    await scrapeUserSources(db.prisma, userId, options, undefined, undefined, { runStartedAt });
    expect((await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[1]! } })).consecutiveFailures).toBe(1);
    await scrapeUserSources(db.prisma, userId, options, undefined, undefined, { runStartedAt: new Date() });
    expect((await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[1]! } })).consecutiveFailures).toBe(2);
  });

  it('fails with NO_ENABLED_SOURCES when the user has no enabled source', async () => {
    const none = await makeUser([]);
    const err = await rejection(scrapeUserSources(db.prisma, none.userId, options));
    expect(err).toMatchObject({ code: 'NO_ENABLED_SOURCES', retryable: false });
    expect(err.message).toMatch(/no enabled threat sources/);

    const allOff = await makeUser([['/atom.xml', 'atom']]);
    await db.prisma.threatSource.updateMany({ where: { userId: allOff.userId }, data: { enabled: false } });
    expect((await rejection(scrapeUserSources(db.prisma, allOff.userId, options))).code).toBe('NO_ENABLED_SOURCES');
  });

  it('honours robots.txt for HTML pages unless told not to, and uses per-source selectors', async () => {
    const { userId, ids } = await makeUser([
      ['/private/secret.html', 'html'],
      ['/listing.html', 'html', { item: 'table.bulletins tr.row', title: '.name', link: '.more a', date: '.when', summary: '.blurb' }],
    ]);
    const result = await scrapeUserSources(db.prisma, userId, options);
    expect(result.sourceErrors).toEqual([expect.objectContaining({ sourceId: ids[0], code: 'ROBOTS_DISALLOWED', retryable: false })]);
    expect((await itemsOf(userId)).map((i) => i.url)).toEqual([`${server.origin}/bulletins/1001?ref=list`]);

    const ignoring = await scrapeUserSources(db.prisma, userId, { ...options, respectRobotsTxt: false });
    expect(ignoring.sourcesFailed).toBe(0);
    expect(ignoring.newItems).toBe(1);
  });

  it('heartbeats between sources and logs failures through the given logger', async () => {
    const { userId } = await makeUser([
      ['/atom.xml', 'atom'],
      ['/gone', 'rss'],
    ]);
    const beats: unknown[] = [];
    const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger: ScrapeLogger = { info: () => undefined, warn: (m, a) => warnings.push([m, a]), error: () => undefined };
    await scrapeUserSources(db.prisma, userId, options, undefined, (d) => beats.push(d), { logger });
    expect(beats).toHaveLength(2);
    expect(beats.at(-1)).toEqual({ sourcesDone: 2, sourcesTotal: 2 });
    expect(warnings).toEqual([['Source failed', expect.objectContaining({ code: 'NOT_FOUND', userId })]]);
  });

  it('stops on cancellation without charging the sources a failure', async () => {
    const { userId, ids } = await makeUser([['/slow-drip', 'rss']]);
    const controller = new AbortController();
    const pending = scrapeUserSources(db.prisma, userId, { ...options, totalTimeoutMs: 60_000 }, controller.signal);
    setTimeout(() => controller.abort(), 100);
    const err = await rejection(pending);
    expect(err.code).toBe('CANCELLED');
    const source = await db.prisma.threatSource.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(source).toMatchObject({ consecutiveFailures: 0, lastError: null });
  });
});
