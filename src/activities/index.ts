// Builds the activities the worker registers, from their dependencies.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Prisma } from '../db/prisma.js';
import { createHealthCheckActivities } from './health-check.js';
import { createMirrorActivity } from './mirror.js';
import { createScrapeActivity, type UserScraper } from './scrape.js';

export function createActivities(deps: { prisma: Prisma; scraper: UserScraper; client: Client; config: Config }) {
  return {
    scrapeUser: createScrapeActivity(deps.prisma, deps.scraper),
    mirrorJobStatus: createMirrorActivity(deps.prisma),
    ...createHealthCheckActivities(deps),
  };
}
