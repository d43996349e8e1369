// Stand-in until the full scraping library lands: fetches each enabled source and succeeds when at
// least one answers 2xx. Same interface as the real scraper.
import axios from 'axios';
import type { Prisma } from '../db/prisma.js';
import type { UserScraper } from './scrape.js';

class ClassifiedError extends Error {
  constructor(message: string, readonly code: string, readonly retryable: boolean) {
    super(message);
  }
}

export function createMinimalScraper(prisma: Prisma, timeoutMs = 10_000): UserScraper {
  return async (userId, ctx) => {
    const sources = await prisma.threatSource.findMany({ where: { userId, enabled: true } });
    if (sources.length === 0) throw new ClassifiedError(`User ${userId} has no enabled source to scrape.`, 'NoEnabledSources', false);
    const sourceErrors: { sourceId: number; url: string; code: string; message: string }[] = [];
    let allPermanent = true;
    for (const source of sources) {
      ctx.heartbeat();
      try {
        new URL(source.url);
      } catch {
        sourceErrors.push({ sourceId: source.id, url: source.url, code: 'InvalidSourceUrl', message: `Not a valid URL: ${source.url}` });
        continue;
      }
      try {
        await axios.get(source.url, { timeout: timeoutMs, signal: ctx.signal, responseType: 'text' });
      } catch (error) {
        allPermanent = false;
        sourceErrors.push({ sourceId: source.id, url: source.url, code: 'FetchFailed', message: (error as Error).message });
      }
    }
    if (sourceErrors.length === sources.length) {
      throw new ClassifiedError(`Every source failed: ${sourceErrors.map((e) => `${e.url}: ${e.message}`).join('; ')}`, allPermanent ? 'InvalidSourceUrl' : 'AllSourcesFailed', !allPermanent);
    }
    return { itemsSeen: 0, newItems: 0, sourcesTried: sources.length, sourcesFailed: sourceErrors.length, sourceErrors };
  };
}
