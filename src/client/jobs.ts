// Starting a user's job: the one code path the client script, the status API and the health check share.
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Config } from '../config.js';
import type { JobLimits, JobSettings, JobTuning } from '../workflows/job-state.js';
import {
  autoScrapeWorkflowId,
  ENABLED_SEARCH_ATTRIBUTE,
  INTERVAL_SEARCH_ATTRIBUTE,
  JOB_STATUS_SEARCH_ATTRIBUTE,
  USER_ID_SEARCH_ATTRIBUTE,
} from '../workflows/keys.js';
import { autoScrapeWorkflow } from '../workflows/auto-scrape.js';

export function jobLimitsFrom(config: Config): JobLimits {
  return {
    minIntervalSeconds: config.INTERVAL_MIN_SECONDS,
    maxIntervalSeconds: config.INTERVAL_MAX_SECONDS,
    maxConsecutiveFailures: config.MAX_CONSECUTIVE_FAILURES,
    continueAsNewAfterEvents: config.CONTINUE_AS_NEW_AFTER_EVENTS,
  };
}

export function jobTuningFrom(config: Config): JobTuning {
  return {
    scrape: {
      maxAttempts: config.SCRAPE_MAX_ATTEMPTS,
      initialIntervalMs: config.SCRAPE_RETRY_INITIAL_MS,
      backoffCoefficient: config.SCRAPE_RETRY_BACKOFF,
      maximumIntervalMs: config.SCRAPE_RETRY_MAX_INTERVAL_MS,
      startToCloseMs: config.SCRAPE_START_TO_CLOSE_MS,
      heartbeatMs: config.SCRAPE_HEARTBEAT_MS,
    },
    mirror: {
      initialIntervalMs: config.MIRROR_RETRY_INITIAL_MS,
      maximumIntervalMs: config.MIRROR_RETRY_MAX_INTERVAL_MS,
      startToCloseMs: config.MIRROR_START_TO_CLOSE_MS,
    },
  };
}

export interface StartJobRequest {
  userId: string;
  settings: JobSettings;
  /** From threat_settings.last_run_at, so a re-created job keeps its cadence instead of running at once. */
  lastRunAt?: Date | null;
}

/** Starts the user's job, or returns the one already running: never a second workflow for a user. */
export async function startAutoScrape(client: Client, config: Config, request: StartJobRequest): Promise<WorkflowHandleWithFirstExecutionRunId<typeof autoScrapeWorkflow>> {
  return client.workflow.start(autoScrapeWorkflow, {
    workflowId: autoScrapeWorkflowId(request.userId),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [
      { key: USER_ID_SEARCH_ATTRIBUTE, value: request.userId },
      { key: JOB_STATUS_SEARCH_ATTRIBUTE, value: request.settings.enabled ? 'scheduled' : 'paused' },
      { key: INTERVAL_SEARCH_ATTRIBUTE, value: request.settings.intervalSeconds },
      { key: ENABLED_SEARCH_ATTRIBUTE, value: request.settings.enabled },
    ],
    args: [
      {
        userId: request.userId,
        settings: request.settings,
        limits: jobLimitsFrom(config),
        tuning: jobTuningFrom(config),
        lastRunAt: request.lastRunAt?.getTime(),
      },
    ],
  });
}
