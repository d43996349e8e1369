// Builds the activities the worker registers, from their dependencies.
import type { Prisma } from '../db/prisma.js';
import { createMirrorActivity } from './mirror.js';
import { createScrapeActivity, type UserScraper } from './scrape.js';
import type { JobActivities } from './types.js';

export function createActivities(deps: { prisma: Prisma; scraper: UserScraper }): JobActivities {
  return {
    scrapeUser: createScrapeActivity(deps.prisma, deps.scraper),
    mirrorJobStatus: createMirrorActivity(deps.prisma),
  };
}
