// The worker: runs the per-user workflows and their activities from the task queue.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Config } from './config.js';
import type { Prisma } from './db/prisma.js';
import { createActivities } from './activities/index.js';
import type { UserScraper } from './activities/scrape.js';
import { createScraper } from './activities/scraper.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WORKFLOWS_PATH = path.join(here, 'workflows', 'index.ts');

export interface WorkerDeps {
  connection: NativeConnection;
  /** For the health check's activities, which start and signal jobs. */
  client: Client;
  config: Config;
  prisma: Prisma;
  scraper?: UserScraper;
  /** Test hooks: a prebuilt bundle, a different identity, etc. */
  overrides?: Partial<WorkerOptions>;
}

export async function createWorker({ connection, client, config, prisma, scraper, overrides }: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities({ prisma, client, config, scraper: scraper ?? createScraper(prisma, config) }),
    // Thousands of jobs sleep most of the time: keep many cached so a wake-up needs no replay, and
    // bound concurrency so a burst of due jobs cannot exhaust the database pool.
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    // On SIGINT/SIGTERM in-flight activities get this long to finish before they are cancelled.
    shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE_MS,
    ...overrides,
  });
}
