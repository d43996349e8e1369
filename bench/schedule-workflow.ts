// Alternative (b): one Temporal Schedule per user, each action a short workflow that runs the same scrape
// activity and the same status mirror as our job. Workflow code: deterministic, activities as types only.
import { defineSearchAttributeKey } from '@temporalio/common';
import { ActivityFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { JobActivities } from '../src/activities/types.js';

// Set by the server on every workflow a schedule starts: the slot this run stands for.
const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', 'DATETIME');

export interface ScheduledScrapeInput {
  userId: string;
}

const { scrapeUser } = proxyActivities<JobActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  // Same policy as our job's defaults, so the comparison is about scheduling only.
  retry: { maximumAttempts: 3, initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: ['InvalidSourceUrl', 'UserNotFound', 'NoEnabledSources'] },
});
const { mirrorJobStatus } = proxyActivities<JobActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function scheduledScrapeWorkflow(input: ScheduledScrapeInput): Promise<void> {
  const info = workflowInfo();
  const startedAt = Date.now();
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START)?.getTime() ?? info.startTime.getTime();
  const run = { runKey: `sched:${input.userId}:${scheduledAt}:${info.runId}`, runNumber: 0, scheduledAt, startedAt };
  let outcome: 'success' | 'failure' = 'success';
  let error: string | undefined;
  try {
    await scrapeUser({ userId: input.userId, ...run });
  } catch (e) {
    if (!(e instanceof ActivityFailure)) throw e;
    outcome = 'failure';
    error = (e.cause ?? e).message;
  }
  // A schedule keeps no state between runs, so the failure streak is not tracked here: one of the
  // things our job does that this alternative would need the database for.
  await mirrorJobStatus({
    userId: input.userId,
    status: outcome === 'success' ? 'completed' : 'failed',
    lastRunAt: startedAt,
    consecutiveFailures: outcome === 'success' ? 0 : 1,
    lastError: error,
    runCount: 0,
    lastRun: { ...run, outcome, error },
  });
}
