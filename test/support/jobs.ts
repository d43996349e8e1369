// What the workflow tests share: a configuration shrunk to seconds, users with sources, and polling.
import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.js';
import type { Prisma } from '../../src/db/prisma.js';

/** The environment of a test worker: the same values whether it runs in-process or as a child process. */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    INTERVAL_MIN_SECONDS: '1',
    DEFAULT_INTERVAL_SECONDS: '1',
    SCRAPE_RETRY_INITIAL_MS: '100',
    SCRAPE_RETRY_MAX_INTERVAL_MS: '400',
    SCRAPE_START_TO_CLOSE_MS: '10000',
    SCRAPE_HEARTBEAT_MS: '10000',
    MIRROR_RETRY_INITIAL_MS: '100',
    MIRROR_RETRY_MAX_INTERVAL_MS: '500',
    MIRROR_START_TO_CLOSE_MS: '5000',
    WORKER_SHUTDOWN_GRACE_MS: '2000',
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(5).toString('hex')}`,
    LOG_LEVEL: 'warn',
    // The fixture sources live on 127.0.0.1, which production refuses.
    SCRAPE_ALLOW_PRIVATE_ADDRESSES: 'true',
    SCRAPE_PER_HOST_SPACING_MS: '0',
    // Job-level failure tests count the job's failures; per-source disabling has tests of its own.
    SCRAPE_SOURCE_FAILURE_THRESHOLD: '1000',
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(testEnv(overrides));
}

export async function createUser(prisma: Prisma, userId: string, sourceUrls: string[], intervalSeconds = 1): Promise<void> {
  await prisma.threatSettings.create({
    data: {
      userId,
      intervalSeconds,
      keywords: ['advisory'],
      sources: { create: sourceUrls.map((url) => ({ url, kind: 'rss' as const })) },
    },
  });
}

/** The user's threat_settings row, with the job columns the workflow writes. */
export function settingsOf(prisma: Prisma, userId: string) {
  return prisma.threatSettings.findUniqueOrThrow({ where: { userId } });
}

export async function runsOf(prisma: Prisma, userId: string) {
  return prisma.scrapeRun.findMany({ where: { userId }, orderBy: { runNumber: 'asc' } });
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
