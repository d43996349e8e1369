// Writes the workflow's state into threat_settings' job columns. Only the job columns, never the user's
// settings; and the values come from the workflow, so a retried call writes the same row.
import type { Prisma } from '../db/prisma.js';
import type { JobStatusSnapshot } from './types.js';

const toDate = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

export function createMirrorActivity(prisma: Prisma) {
  return async function mirrorJobStatus(snapshot: JobStatusSnapshot): Promise<boolean> {
    const now = new Date();
    return prisma.$transaction(async (tx) => {
      const { count } = await tx.threatSettings.updateMany({
        where: { userId: snapshot.userId },
        data: {
          jobStatus: snapshot.status,
          lastRunAt: toDate(snapshot.lastRunAt),
          nextRunAt: toDate(snapshot.nextRunAt),
          consecutiveFailures: snapshot.consecutiveFailures,
          lastError: snapshot.lastError ?? null,
          runCount: snapshot.runCount,
          jobUpdatedAt: now,
          updatedAt: now,
        },
      });
      // Every run gets a finished row even when no attempt could write one (the database was down, or
      // all attempts timed out): insert it if missing, and close it if an attempt left it open.
      const runs = [...(snapshot.unrecordedRuns ?? []), ...(snapshot.lastRun ? [snapshot.lastRun] : [])];
      if (count > 0) {
        for (const run of runs) {
          await tx.$executeRaw`
            INSERT INTO scrape_runs (user_id, run_key, run_number, scheduled_at, started_at, finished_at, outcome, error)
            VALUES (${snapshot.userId}, ${run.runKey}, ${run.runNumber}, ${new Date(run.scheduledAt)}, ${new Date(run.startedAt)},
                    ${now}, ${run.outcome}::run_outcome, ${run.error ?? null})
            ON CONFLICT (run_key) DO UPDATE
              SET outcome = EXCLUDED.outcome, error = EXCLUDED.error, finished_at = EXCLUDED.finished_at
              WHERE scrape_runs.outcome = 'running'`;
        }
      }
      return count > 0;
    });
  };
}
