// The legacy scheduler in its own process: "stop the worker" kills it, as a web server restart did.
import { loadConfig } from '../src/config.js';
import { createScraper } from '../src/activities/scraper.js';
import { createPrisma } from '../src/db/prisma.js';
import { LegacyScheduler } from './legacy-scheduler.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const prefix = process.env.BENCH_LEGACY_PREFIX;
  if (!config.DATABASE_URL || !prefix) throw new Error('DATABASE_URL and BENCH_LEGACY_PREFIX must be set by the bench.');
  const prisma = createPrisma(config.DATABASE_URL);
  const scheduler = new LegacyScheduler({ prisma, scraper: createScraper(prisma, config), userPrefix: prefix });
  const jobs = await scheduler.start();
  process.stdout.write(`READY ${jobs}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  scheduler.stop();
  await prisma.$disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`legacy scheduler failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
