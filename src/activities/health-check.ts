// The health check's activities: bring running jobs in line with threat_settings, a page of users at a
// time, with one visibility query per page rather than one call per user.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../config.js';
import type { Prisma } from '../db/prisma.js';
import { jobLimitsFrom, startAutoScrape } from '../client/jobs.js';
import { validateSettingsPatch } from '../workflows/job-state.js';
import {
  AUTO_SCRAPE_WORKFLOW_TYPE,
  autoScrapeWorkflowId,
  ENABLED_SEARCH_ATTRIBUTE,
  INTERVAL_SEARCH_ATTRIBUTE,
  USER_ID_SEARCH_ATTRIBUTE,
} from '../workflows/keys.js';
import { syncSettingsSignal } from '../workflows/messages.js';

export interface ReconcileCounts {
  checked: number;
  started: number;
  resynced: number;
  stopped: number;
  errors: { userId: string; error: string }[];
}

export interface ReconcilePageResult extends ReconcileCounts {
  lastId?: number;
}

interface RunningJob {
  intervalSeconds?: number;
  enabled?: boolean;
}

// Ids safe to put in a visibility query literal; anything else is looked up on its own.
const QUERYABLE_ID = /^[A-Za-z0-9._@:-]+$/;

const running = `WorkflowType = '${AUTO_SCRAPE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;

/** The settings a job publishes as search attributes (absent on jobs started before it published them). */
function publishedSettings(attributes: TypedSearchAttributes): RunningJob {
  return { intervalSeconds: attributes.get(INTERVAL_SEARCH_ATTRIBUTE), enabled: attributes.get(ENABLED_SEARCH_ATTRIBUTE) };
}

async function runningJobsOf(client: Client, userIds: string[]): Promise<Map<string, RunningJob>> {
  const found = new Map<string, RunningJob>();
  const queryable = userIds.filter((id) => QUERYABLE_ID.test(id));
  if (queryable.length) {
    const query = `${running} AND ${USER_ID_SEARCH_ATTRIBUTE.name} IN (${queryable.map((id) => `'${id}'`).join(', ')})`;
    for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
      const userId = wf.typedSearchAttributes.get(USER_ID_SEARCH_ATTRIBUTE);
      if (userId) {
        found.set(userId, publishedSettings(wf.typedSearchAttributes));
      }
    }
  }
  for (const userId of userIds.filter((id) => !QUERYABLE_ID.test(id))) {
    try {
      const d = await client.workflow.getHandle(autoScrapeWorkflowId(userId)).describe();
      if (d.status.name === 'RUNNING') {
        found.set(userId, publishedSettings(d.typedSearchAttributes));
      }
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return found;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 500);

export function createHealthCheckActivities(deps: { prisma: Prisma; client: Client; config: Config }) {
  const { prisma, client, config } = deps;
  const limits = jobLimitsFrom(config);

  return {
    async beginHealthCheck(): Promise<string> {
      const report = await prisma.healthCheckReport.create({ data: {} });
      return report.id.toString();
    },

    async reconcilePage(input: { afterId: number; pageSize: number }): Promise<ReconcilePageResult> {
      const rows = await prisma.threatSettings.findMany({
        where: { id: { gt: input.afterId } },
        orderBy: { id: 'asc' },
        take: input.pageSize,
        select: { id: true, userId: true, enabled: true, intervalSeconds: true, lastRunAt: true },
      });
      const result: ReconcilePageResult = { checked: rows.length, started: 0, resynced: 0, stopped: 0, errors: [], lastId: rows.at(-1)?.id };
      if (rows.length === 0) return result;
      const jobs = await runningJobsOf(client, rows.map((r) => r.userId));
      for (const row of rows) {
        Context.current().heartbeat(row.id);
        try {
          // A row the job could not accept is reported, not forced on it.
          validateSettingsPatch({ intervalSeconds: row.intervalSeconds, enabled: row.enabled }, limits);
          const job = jobs.get(row.userId);
          if (!job) {
            if (row.enabled) {
              await startAutoScrape(client, config, { userId: row.userId, settings: { intervalSeconds: row.intervalSeconds, enabled: true }, lastRunAt: row.lastRunAt });
              result.started++;
            }
            continue;
          }
          if (job.intervalSeconds !== row.intervalSeconds || job.enabled !== row.enabled) {
            await client.workflow.getHandle(autoScrapeWorkflowId(row.userId)).signal(syncSettingsSignal, { intervalSeconds: row.intervalSeconds, enabled: row.enabled });
            if (job.enabled !== false && !row.enabled) result.stopped++;
            else result.resynced++;
          }
        } catch (error) {
          result.errors.push({ userId: row.userId, error: message(error) });
        }
      }
      return result;
    },

    /** Ends the jobs of users whose settings row is gone. */
    async stopOrphanJobs(input: { pageSize: number }): Promise<ReconcileCounts> {
      const result: ReconcileCounts = { checked: 0, started: 0, resynced: 0, stopped: 0, errors: [] };
      const batch: string[] = [];
      const flush = async () => {
        const existing = new Set((await prisma.threatSettings.findMany({ where: { userId: { in: batch } }, select: { userId: true } })).map((r) => r.userId));
        for (const userId of batch.filter((id) => !existing.has(id))) {
          try {
            await client.workflow.getHandle(autoScrapeWorkflowId(userId)).terminate('the user no longer exists in threat_settings');
            result.stopped++;
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) result.errors.push({ userId, error: message(error) });
          }
        }
        batch.length = 0;
      };
      for await (const wf of client.workflow.list({ query: running, pageSize: 1000 })) {
        const userId = wf.typedSearchAttributes.get(USER_ID_SEARCH_ATTRIBUTE);
        if (!userId) continue;
        batch.push(userId);
        if (batch.length >= input.pageSize) {
          Context.current().heartbeat();
          await flush();
        }
      }
      if (batch.length) await flush();
      return result;
    },

    async finishHealthCheck(input: { reportId: string } & ReconcileCounts): Promise<void> {
      await prisma.healthCheckReport.update({
        where: { id: BigInt(input.reportId) },
        data: {
          finishedAt: new Date(),
          checked: input.checked,
          started: input.started,
          resynced: input.resynced,
          stopped: input.stopped,
          errorCount: input.errors.length,
          errors: input.errors.slice(0, 100),
        },
      });
    },
  };
}

export type HealthCheckActivities = ReturnType<typeof createHealthCheckActivities>;
