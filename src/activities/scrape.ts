// The scrape activity: one scrape_runs row per run (updated by every attempt), the job's 'running' and
// success states written with it, the sources scraped by the scraper it is given, and errors turned into
// retryable or non-retryable Temporal failures.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Prisma } from '../db/prisma.js';
import { writeJobStatus } from './job-status-write.js';
import type { ScrapeRunInput, ScrapeRunResult } from './types.js';

export interface ScrapeContext {
  signal: AbortSignal;
  heartbeat(details?: unknown): void;
  log: { info(msg: string, meta?: Record<string, unknown>): void; warn(msg: string, meta?: Record<string, unknown>): void; error(msg: string, meta?: Record<string, unknown>): void };
}

export interface ScrapeSummary extends ScrapeRunResult {
  sourceErrors: { sourceId: number; url: string; code: string; message: string }[];
}

/** Scrapes one user's sources for one run; throws an error carrying `code`, `retryable` and maybe `retryAfterMs`. */
export type UserScraper = (run: ScrapeRunInput, context: ScrapeContext) => Promise<ScrapeSummary>;

interface ClassifiedError {
  code?: string;
  retryable?: boolean;
  retryAfterMs?: number;
}

function toFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const e = error instanceof Error ? error : new Error(String(error));
  const c = e as Error & ClassifiedError;
  return ApplicationFailure.create({
    message: e.message,
    type: c.code ?? e.name,
    // Unclassified errors are retried: the retry policy bounds them, and a bug must not silently stop a job.
    nonRetryable: c.retryable === false,
    nextRetryDelay: c.retryAfterMs,
    cause: e,
  });
}

export function createScrapeActivity(prisma: Prisma, scraper: UserScraper) {
  return async function scrapeUser(input: ScrapeRunInput): Promise<ScrapeRunResult> {
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const began = Date.now();
    if (attempt === 1) {
      // How late the run started against its plan: the figure the scheduler exists to keep small.
      ctx.metricMeter.createHistogram('auto_scrape_scheduling_lag', 'int', 'ms', 'Scrape start minus its planned start').record(Math.max(0, began - input.scheduledAt));
    }
    const recordAttempt = (outcome: 'success' | 'failure') => {
      ctx.metricMeter.createCounter('auto_scrape_attempts', '1', 'Scrape attempts by outcome').withTags({ outcome }).add(1);
      ctx.metricMeter.createHistogram('auto_scrape_duration', 'int', 'ms', 'Duration of one scrape attempt').withTags({ outcome }).record(Date.now() - began);
    };
    const userMissing = () => ApplicationFailure.nonRetryable(`User ${input.userId} has no threat_settings row; nothing to scrape.`, 'UserNotFound');
    // One transaction: the job shows 'running' exactly when its run has a row.
    await prisma.$transaction(async (tx) => {
      if (input.statusOnStart) {
        if ((await writeJobStatus(tx, input.statusOnStart)) === 'missing') throw userMissing();
      } else if (!(await tx.threatSettings.findUnique({ where: { userId: input.userId }, select: { id: true } }))) {
        throw userMissing();
      }
      await tx.scrapeRun.upsert({
        where: { runKey: input.runKey },
        create: {
          userId: input.userId,
          runKey: input.runKey,
          runNumber: input.runNumber,
          scheduledAt: new Date(input.scheduledAt),
          startedAt: new Date(input.startedAt),
          attempts: attempt,
        },
        update: { attempts: attempt, outcome: 'running', error: null, finishedAt: null },
      });
    });
    // Only this attempt's row: a late write from an abandoned earlier attempt must not overwrite a newer one.
    const finish = (db: Pick<Prisma, 'scrapeRun'>, data: Parameters<typeof prisma.scrapeRun.updateMany>[0]['data']) =>
      db.scrapeRun.updateMany({ where: { runKey: input.runKey, attempts: attempt }, data: { ...data, finishedAt: new Date() } });
    try {
      const summary = await scraper(input, { signal: ctx.cancellationSignal, heartbeat: (details) => ctx.heartbeat(details), log: ctx.log });
      await prisma.$transaction(async (tx) => {
        const { count } = await finish(tx, {
          outcome: 'success',
          itemsSeen: summary.itemsSeen,
          newItems: summary.newItems,
          sourceErrors: summary.sourceErrors.length ? summary.sourceErrors : undefined,
        });
        // The run's end and the job's next state in one commit; only the attempt that owns the row moves the job on.
        if (count > 0 && input.statusOnSuccess) await writeJobStatus(tx, input.statusOnSuccess);
      });
      recordAttempt('success');
      const result = { itemsSeen: summary.itemsSeen, newItems: summary.newItems, sourcesTried: summary.sourcesTried, sourcesFailed: summary.sourcesFailed };
      ctx.log.info('Scrape run finished', { userId: input.userId, runKey: input.runKey, attempt, ...result });
      return result;
    } catch (error) {
      const failure = toFailure(error);
      recordAttempt('failure');
      ctx.log.warn('Scrape attempt failed', { userId: input.userId, runKey: input.runKey, attempt, type: failure.type, retryable: !failure.nonRetryable, error: failure.message });
      await finish(prisma, { outcome: 'failure', error: failure.message }).catch((e: unknown) =>
        ctx.log.error('Could not record the failed attempt', { runKey: input.runKey, error: (e as Error).message }),
      );
      throw failure;
    }
  };
}
