// The health check's Temporal Schedule: created (or brought up to date) when a worker starts, and
// triggered once then, so a fresh deployment reconciles at once instead of five minutes later.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Config } from '../config.js';
import { HEALTH_CHECK_SCHEDULE_ID } from '../workflows/keys.js';
import { healthCheckWorkflow } from '../workflows/health-check.js';

function scheduleOptions(config: Config): ScheduleOptions {
  return {
    scheduleId: HEALTH_CHECK_SCHEDULE_ID,
    spec: { intervals: [{ every: config.HEALTH_CHECK_INTERVAL_SECONDS * 1000 }] },
    action: {
      type: 'startWorkflow',
      workflowType: healthCheckWorkflow,
      workflowId: 'auto-scrape-health-check-run',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ pageSize: config.HEALTH_CHECK_PAGE_SIZE }],
      workflowExecutionTimeout: config.HEALTH_CHECK_INTERVAL_SECONDS * 1000 * 3,
    },
    // A pass still running when the next is due makes the next one pointless.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: config.HEALTH_CHECK_INTERVAL_SECONDS * 1000 },
  };
}

/** Idempotent: a second worker (or a restart) updates the existing schedule to the current settings. */
export async function ensureHealthCheckSchedule(client: Client, config: Config, options: { trigger: boolean } = { trigger: true }): Promise<void> {
  const wanted = scheduleOptions(config);
  try {
    await client.schedule.create(wanted);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(HEALTH_CHECK_SCHEDULE_ID).update((previous) => ({ ...previous, spec: wanted.spec, action: wanted.action, policies: { ...previous.policies, ...wanted.policies } }));
  }
  if (options.trigger) await triggerHealthCheck(client);
}

/** Runs a pass now (skipped by the overlap policy if one is running). */
export async function triggerHealthCheck(client: Client): Promise<void> {
  await client.schedule.getHandle(HEALTH_CHECK_SCHEDULE_ID).trigger(ScheduleOverlapPolicy.SKIP);
}
