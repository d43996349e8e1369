// One user's scrape: every enabled source fetched, parsed and matched against the user's keywords,
// matches stored once per user and URL, and each source's health recorded so a dead feed is noticed
// and switched off instead of failing silently for months.
import type { Prisma } from '../db/prisma.js';
import { ScrapeError, toScrapeError } from './errors.js';
import { safeFetch } from './fetch.js';
import { RequestPacer, hostKey } from './host-spacing.js';
import type { ScrapedItem } from './item.js';
import { matchKeywords } from './keywords.js';
import { withDefaults, type ScrapeOptions } from './options.js';
import { parseFeed } from './parse-feed.js';
import { parseHtml, selectorsFromJson } from './parse-html.js';
import { RobotsCache } from './robots.js';

export interface ScrapeLogger {
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

export interface SourceError {
  sourceId: number;
  url: string;
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

export interface ScrapeResult {
  /** Items parsed from all sources, matching or not. */
  itemsSeen: number;
  /** Matching items stored for the first time in this run. */
  newItems: number;
  sourcesTried: number;
  sourcesFailed: number;
  sourceErrors: SourceError[];
  /** Sources disabled in this run because they reached the failure threshold. */
  disabledSources: number[];
}

export interface ScrapeContext {
  logger?: ScrapeLogger;
  /**
   * When the run began (the workflow's scheduled time). Attempts of one run share it, so a retried
   * activity does not count the same source failure twice towards the disable threshold.
   */
  runStartedAt?: Date;
}

const silent: ScrapeLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

type Source = Awaited<ReturnType<Prisma['threatSource']['findMany']>>[number];

/** Per-source proxy, if the schema carries one; the global setting applies otherwise. */
const proxyOf = (source: Source): string | undefined => source.proxyUrl ?? undefined;

interface Fetched {
  items: ScrapedItem[];
  notModified: boolean;
  etag?: string | undefined;
  lastModified?: string | undefined;
}

async function fetchAndParse(source: Source, options: ScrapeOptions, robots: RobotsCache, signal?: AbortSignal): Promise<Fetched> {
  const proxyUrl = proxyOf(source);
  const proxy = proxyUrl === undefined ? {} : { proxyUrl };
  if (source.kind === 'html' && options.respectRobotsTxt) await robots.assertAllowed(source.url, signal, proxyUrl);
  const res = await safeFetch(
    { url: source.url, purpose: source.kind === 'html' ? 'html' : 'feed', etag: source.etag, lastModified: source.lastModified, ...proxy },
    options,
    signal,
  );
  if (res.notModified) return { items: [], notModified: true, etag: res.etag, lastModified: res.lastModified };
  const items = source.kind === 'html' ? parseHtml(res.body, res.finalUrl, selectorsFromJson(source.selectors)) : parseFeed(res.body, res.finalUrl);
  return { items, notModified: false, etag: res.etag, lastModified: res.lastModified };
}

/** Stores matches; returns how many were new. Seen-again items only get last_seen_at moved. */
async function storeMatches(prisma: Prisma, userId: string, sourceId: number, items: ScrapedItem[], keywords: string[], now: Date): Promise<number> {
  const rows = items
    .map((item) => ({ item, matched: matchKeywords(`${item.title}\n${item.summary ?? ''}`, keywords) }))
    .filter((m) => m.matched.length > 0)
    .map(({ item, matched }) => ({
      userId,
      sourceId,
      url: item.url,
      title: item.title,
      summary: item.summary ?? null,
      publishedAt: item.publishedAt ?? null,
      matchedKeywords: matched,
      firstSeenAt: now,
      lastSeenAt: now,
    }));
  if (rows.length === 0) return 0;
  // ON CONFLICT DO NOTHING keeps the first sighting intact and makes retries and reruns harmless.
  const { count } = await prisma.threatItem.createMany({ data: rows, skipDuplicates: true });
  await prisma.threatItem.updateMany({ where: { userId, url: { in: rows.map((r) => r.url) } }, data: { lastSeenAt: now } });
  return count;
}

export async function scrapeUserSources(
  prisma: Prisma,
  userId: string,
  partialOptions: Partial<ScrapeOptions> = {},
  signal?: AbortSignal,
  heartbeat?: (details?: unknown) => void,
  context: ScrapeContext = {},
): Promise<ScrapeResult> {
  const options = withDefaults(partialOptions);
  const logger = context.logger ?? silent;
  const settings = await prisma.threatSettings.findUnique({ where: { userId }, select: { keywords: true } });
  if (!settings) {
    throw new ScrapeError('NO_SETTINGS', `User ${userId} has no threat settings, so there is nothing to scrape`, { retryable: false });
  }
  const sources = await prisma.threatSource.findMany({ where: { userId, enabled: true }, orderBy: { id: 'asc' } });
  if (sources.length === 0) {
    // Say why when the sources were switched off for failing: that error is what the user must fix.
    const disabled = await prisma.threatSource.findFirst({ where: { userId, enabled: false, lastError: { not: null } }, orderBy: { updatedAt: 'desc' } });
    const why = disabled ? ` (sources were disabled after failing repeatedly; last error: ${disabled.lastError})` : '';
    throw new ScrapeError('NO_ENABLED_SOURCES', `User ${userId} has no enabled threat sources${why}: add a source or re-enable a disabled one`, {
      retryable: false,
    });
  }

  const pacer = new RequestPacer(options.concurrency, options.perHostSpacingMs);
  const robots = new RobotsCache(options);
  const result: ScrapeResult = { itemsSeen: 0, newItems: 0, sourcesTried: 0, sourcesFailed: 0, sourceErrors: [], disabledSources: [] };
  let finished = 0;

  const scrapeOne = async (source: Source): Promise<void> => {
    result.sourcesTried++;
    let fetched: Fetched;
    try {
      fetched = await fetchAndParse(source, options, robots, signal);
    } catch (err) {
      const error = toScrapeError(err, source.url);
      if (error.code === 'CANCELLED' || signal?.aborted) throw error;
      await recordFailure(source, error);
      return;
    }
    const now = new Date();
    const created = await storeMatches(prisma, userId, source.id, fetched.items, settings.keywords, now);
    result.itemsSeen += fetched.items.length;
    result.newItems += created;
    await prisma.threatSource.update({
      where: { id: source.id },
      data: {
        consecutiveFailures: 0,
        lastError: null,
        lastFetchedAt: now,
        // A 304 usually repeats no validators; the ones we sent are still the right ones.
        etag: fetched.etag ?? (fetched.notModified ? source.etag : null),
        lastModified: fetched.lastModified ?? (fetched.notModified ? source.lastModified : null),
      },
    });
    logger.info('Scraped source', { userId, sourceId: source.id, url: source.url, items: fetched.items.length, newItems: created, notModified: fetched.notModified });
  };

  const recordFailure = async (source: Source, error: ScrapeError): Promise<void> => {
    result.sourcesFailed++;
    result.sourceErrors.push({
      sourceId: source.id,
      url: source.url,
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    });
    const lastError = `${error.code}: ${error.message}`.slice(0, 2000);
    const alreadyCountedThisRun =
      context.runStartedAt !== undefined && source.lastFetchedAt !== null && source.lastFetchedAt >= context.runStartedAt && source.lastError !== null;
    const updated = await prisma.threatSource.update({
      where: { id: source.id },
      data: { lastError, lastFetchedAt: new Date(), ...(alreadyCountedThisRun ? {} : { consecutiveFailures: { increment: 1 } }) },
    });
    logger.warn('Source failed', { userId, sourceId: source.id, url: source.url, code: error.code, retryable: error.retryable, consecutiveFailures: updated.consecutiveFailures });
    if (updated.consecutiveFailures >= options.sourceFailureThreshold) {
      await prisma.threatSource.update({ where: { id: source.id }, data: { enabled: false } });
      result.disabledSources.push(source.id);
      logger.warn('Source disabled after consecutive failures', { userId, sourceId: source.id, url: source.url, consecutiveFailures: updated.consecutiveFailures });
    }
  };

  await Promise.all(
    sources.map((source) =>
      pacer.run(
        hostKey(source.url),
        async () => {
          await scrapeOne(source);
          finished++;
          heartbeat?.({ sourcesDone: finished, sourcesTotal: sources.length });
        },
        signal,
      ),
    ),
  ).catch((err: unknown) => {
    throw signal?.aborted ? toScrapeError(signal.reason ?? err) : err;
  });

  logger.info('Scrape finished', { userId, ...result, sourceErrors: result.sourceErrors.length });
  if (result.sourcesFailed > 0 && result.sourcesFailed === result.sourcesTried) throw allFailed(userId, result);
  return result;
}

function allFailed(userId: string, result: ScrapeResult): ScrapeError {
  const retryable = result.sourceErrors.some((e) => e.retryable);
  // The longest wait any server asked for, so the workflow can delay its retry accordingly.
  const waits = result.sourceErrors.flatMap((e) => (e.retryable && e.retryAfterMs !== undefined ? [e.retryAfterMs] : []));
  const summary = result.sourceErrors.map((e) => `${e.code}: ${e.message.slice(0, 300)}`).join('; ');
  const disabled = result.disabledSources.length ? ` ${result.disabledSources.length} source(s) were disabled after repeated failures.` : '';
  return new ScrapeError('ALL_SOURCES_FAILED', `Every source of user ${userId} failed (${summary}).${disabled}`, {
    retryable,
    details: result,
    ...(waits.length ? { retryAfterMs: Math.max(...waits) } : {}),
  });
}
