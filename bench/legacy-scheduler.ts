// Alternative (a): the legacy design from the seed summary, written small. One in-process timer per
// user, retries with exponential backoff (3 attempts), disabled after 5 failed runs in a row, job state
// in threat_settings, and on start-up the "recovery" the seed describes: next run = last_run_at +
// interval, overdue jobs run at once. Everything in flight lives in this process's memory.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../src/db/prisma.js';
import type { UserScraper } from '../src/activities/scrape.js';

export interface LegacyOptions {
  prisma: Prisma;
  scraper: UserScraper;
  /** Which users this scheduler owns (the bench runs other systems' users in the same tables). */
  userPrefix: string;
  maxAttempts?: number;
  retryInitialMs?: number;
  maxConsecutiveFailures?: number;
  healthCheckMs?: number;
}

interface Job {
  userId: string;
  intervalMs: number;
  timer?: NodeJS.Timeout;
  consecutiveFailures: number;
}

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class LegacyScheduler {
  private readonly jobs = new Map<string, Job>();
  private healthTimer?: NodeJS.Timeout;
  private readonly abort = new AbortController();

  constructor(private readonly options: LegacyOptions) {}

  async start(): Promise<number> {
    await this.recover();
    this.healthTimer = setInterval(() => void this.recover().catch(() => undefined), this.options.healthCheckMs ?? 5 * 60_000);
    return this.jobs.size;
  }

  stop(): void {
    clearInterval(this.healthTimer);
    for (const job of this.jobs.values()) clearTimeout(job.timer);
    this.jobs.clear();
    this.abort.abort();
  }

  /** Start-up and health check: a timer for every enabled user that has none, due from last_run_at. */
  private async recover(): Promise<void> {
    const rows = await this.options.prisma.threatSettings.findMany({
      // job_status is NULL for a user that never ran; a plain "not disabled" test would skip those.
      where: { enabled: true, userId: { startsWith: this.options.userPrefix }, OR: [{ jobStatus: null }, { jobStatus: { not: 'disabled_due_to_failures' } }] },
      select: { userId: true, intervalSeconds: true, lastRunAt: true, consecutiveFailures: true },
    });
    const now = Date.now();
    for (const row of rows) {
      if (this.jobs.has(row.userId)) continue;
      const job: Job = { userId: row.userId, intervalMs: row.intervalSeconds * 1000, consecutiveFailures: row.consecutiveFailures };
      this.jobs.set(row.userId, job);
      const dueAt = row.lastRunAt ? row.lastRunAt.getTime() + job.intervalMs : now;
      this.arm(job, Math.max(now, dueAt));
    }
  }

  private arm(job: Job, dueAt: number): void {
    job.timer = setTimeout(() => void this.run(job, dueAt), Math.max(0, dueAt - Date.now()));
  }

  private async run(job: Job, scheduledAt: number): Promise<void> {
    const { prisma, scraper } = this.options;
    const startedAt = Date.now();
    const runKey = `legacy:${job.userId}:${randomUUID()}`;
    let error: string | undefined;
    try {
      await prisma.scrapeRun.create({ data: { userId: job.userId, runKey, runNumber: 0, scheduledAt: new Date(scheduledAt), startedAt: new Date(startedAt) } });
      await prisma.threatSettings.update({ where: { userId: job.userId }, data: { jobStatus: 'running', jobUpdatedAt: new Date() } });
      const maxAttempts = this.options.maxAttempts ?? 3;
      for (let attempt = 1; ; attempt++) {
        try {
          const summary = await scraper(
            { userId: job.userId, runKey, runNumber: 0, scheduledAt, startedAt },
            { signal: this.abort.signal, heartbeat: () => undefined, log: quietLog },
          );
          await prisma.scrapeRun.update({ where: { runKey }, data: { outcome: 'success', attempts: attempt, finishedAt: new Date(), itemsSeen: summary.itemsSeen, newItems: summary.newItems } });
          error = undefined;
          break;
        } catch (e) {
          error = (e as Error).message;
          if (attempt >= maxAttempts || this.abort.signal.aborted) {
            await prisma.scrapeRun.update({ where: { runKey }, data: { outcome: 'failure', attempts: attempt, finishedAt: new Date(), error } });
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, (this.options.retryInitialMs ?? 10_000) * 2 ** (attempt - 1)));
        }
      }
    } catch (e) {
      // The seed's "graceful degradation": a database error fails this run, never the scheduler.
      error = (e as Error).message;
    }
    job.consecutiveFailures = error ? job.consecutiveFailures + 1 : 0;
    const disabled = job.consecutiveFailures >= (this.options.maxConsecutiveFailures ?? 5);
    const nextRunAt = startedAt + job.intervalMs;
    await prisma.threatSettings
      .update({
        where: { userId: job.userId },
        data: {
          jobStatus: disabled ? 'disabled_due_to_failures' : error ? 'failed' : 'completed',
          lastRunAt: new Date(startedAt),
          nextRunAt: disabled ? null : new Date(nextRunAt),
          consecutiveFailures: job.consecutiveFailures,
          lastError: error ?? null,
          runCount: { increment: 1 },
          jobUpdatedAt: new Date(),
        },
      })
      .catch(() => undefined);
    if (disabled) this.jobs.delete(job.userId);
    else if (this.jobs.get(job.userId) === job) this.arm(job, nextRunAt);
  }
}
