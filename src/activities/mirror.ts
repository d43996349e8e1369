// The status mirror: writes the workflow's state into threat_settings' job columns, never the user's
// settings; the values come from the workflow, so a retried call writes the same row.
import type { Prisma } from '../db/prisma.js';
import { writeJobStatus } from './job-status-write.js';
import type { JobStatusSnapshot } from './types.js';

export function createMirrorActivity(prisma: Prisma) {
  return async function mirrorJobStatus(snapshot: JobStatusSnapshot): Promise<boolean> {
    const now = new Date();
    return prisma.$transaction(async (tx) => {
      const written = await writeJobStatus(tx, snapshot, now);
      if (written === 'missing') return false;
      // Every run gets a finished row even when no attempt could write one (the database was down, or
      // all attempts timed out): insert it if missing, and close it if an attempt left it open. This
      // holds for a stale status write too: the runs it carries are still facts.
      const runs = [...(snapshot.unrecordedRuns ?? []), ...(snapshot.lastRun ? [snapshot.lastRun] : [])];
      for (const run of runs) {
        await tx.$executeRaw`
          INSERT INTO scrape_runs (user_id, run_key, run_number, scheduled_at, started_at, finished_at, outcome, error)
          VALUES (${snapshot.userId}, ${run.runKey}, ${run.runNumber}, ${new Date(run.scheduledAt)}, ${new Date(run.startedAt)},
                  ${now}, ${run.outcome}::run_outcome, ${run.error ?? null})
          ON CONFLICT (run_key) DO UPDATE
            SET outcome = EXCLUDED.outcome, error = EXCLUDED.error, finished_at = EXCLUDED.finished_at
            WHERE scrape_runs.outcome = 'running'`;
      }
      return true;
    });
  };
}
