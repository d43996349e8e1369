// The health check (run by a Temporal Schedule every 5 minutes): every enabled user has a running job,
// every job's settings match the database, disabled users' jobs are paused, deleted users' jobs end.
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { HealthCheckActivities, ReconcileCounts } from '../activities/health-check.js';

export interface HealthCheckInput {
  pageSize: number;
}

const { beginHealthCheck, reconcilePage, stopOrphanJobs, finishHealthCheck } = proxyActivities<HealthCheckActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3, initialInterval: '2 seconds', backoffCoefficient: 2 },
});

export async function healthCheckWorkflow(input: HealthCheckInput): Promise<ReconcileCounts> {
  const reportId = await beginHealthCheck();
  const totals: ReconcileCounts = { checked: 0, started: 0, resynced: 0, stopped: 0, errors: [] };
  const add = (part: ReconcileCounts) => {
    totals.checked += part.checked;
    totals.started += part.started;
    totals.resynced += part.resynced;
    totals.stopped += part.stopped;
    totals.errors.push(...part.errors);
  };
  try {
    let afterId = 0;
    for (;;) {
      const page = await reconcilePage({ afterId, pageSize: input.pageSize });
      add(page);
      if (page.lastId === undefined || page.checked < input.pageSize) break;
      afterId = page.lastId;
    }
    add({ ...(await stopOrphanJobs({ pageSize: input.pageSize })), checked: 0 });
  } catch (error) {
    // The report still says how far it got and why it stopped; the next scheduled pass starts over.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    totals.errors.push({ userId: '*', error: cause instanceof Error ? cause.message : String(cause) });
    await finishHealthCheck({ reportId, ...totals });
    throw ApplicationFailure.nonRetryable(`Health check stopped early: ${totals.errors.at(-1)!.error}`, 'HealthCheckIncomplete');
  }
  await finishHealthCheck({ reportId, ...totals });
  return totals;
}
