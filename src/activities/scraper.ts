// The production scraper: the scraping library, with its limits taken from the configuration.
import type { Config } from '../config.js';
import type { Prisma } from '../db/prisma.js';
import { DEFAULT_USER_AGENT, scrapeUserSources, type ScrapeOptions } from '../scrape/index.js';
import type { UserScraper } from './scrape.js';

export function scrapeOptionsFrom(config: Config): ScrapeOptions {
  return {
    connectTimeoutMs: config.SCRAPE_CONNECT_TIMEOUT_MS,
    totalTimeoutMs: config.SCRAPE_TOTAL_TIMEOUT_MS,
    maxBytes: config.SCRAPE_MAX_BYTES,
    maxRedirects: config.SCRAPE_MAX_REDIRECTS,
    userAgent: config.SCRAPE_USER_AGENT ?? DEFAULT_USER_AGENT,
    allowPrivateAddresses: config.SCRAPE_ALLOW_PRIVATE_ADDRESSES,
    allowedPrivateHosts: config.SCRAPE_ALLOWED_PRIVATE_HOSTS,
    proxyUrl: config.SCRAPE_PROXY_URL,
    respectRobotsTxt: config.SCRAPE_RESPECT_ROBOTS_TXT,
    perHostSpacingMs: config.SCRAPE_PER_HOST_SPACING_MS,
    concurrency: config.SCRAPE_CONCURRENCY,
    sourceFailureThreshold: config.SCRAPE_SOURCE_FAILURE_THRESHOLD,
    maxRetryAfterMs: config.SCRAPE_MAX_RETRY_AFTER_MS,
  };
}

export function createScraper(prisma: Prisma, config: Config): UserScraper {
  const options = scrapeOptionsFrom(config);
  return (run, ctx) =>
    // The run's due time identifies the run across retried attempts, so a source's failure counts once per run.
    scrapeUserSources(prisma, run.userId, options, ctx.signal, ctx.heartbeat, { logger: ctx.log, runStartedAt: new Date(run.scheduledAt) });
}
