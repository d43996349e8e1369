// Writes a job's state into threat_settings' job columns. Two activities write them (the status mirror,
// and the scrape activity at a run's start and successful end), so their writes can land out of order;
// each carries the job instance and a sequence number from the workflow, and an older one is refused.
import type { Prisma } from '../db/prisma.js';
import type { JobStatusSnapshot } from './types.js';

type Db = Pick<Prisma, 'threatSettings'>;

const toDate = (ms: number | undefined) => (ms === undefined ? null : new Date(ms));

/** 'stale' when a newer state of the same job is already there; 'missing' when the user has no row. */
export type JobStatusWrite = 'written' | 'stale' | 'missing';

export async function writeJobStatus(db: Db, snapshot: JobStatusSnapshot, now = new Date()): Promise<JobStatusWrite> {
  const { jobInstanceId, seq } = snapshot;
  // Snapshots from workflow code older than the sequence carry neither and are written as they come.
  const ordered = jobInstanceId !== undefined && seq !== undefined;
  const { count } = await db.threatSettings.updateMany({
    where: {
      userId: snapshot.userId,
      // Same-sequence writes pass too: a retried attempt writes the same values again.
      ...(ordered && { OR: [{ jobInstanceId: null }, { jobInstanceId: { not: jobInstanceId } }, { jobSeq: { lte: seq } }] }),
    },
    data: {
      jobStatus: snapshot.status,
      lastRunAt: toDate(snapshot.lastRunAt),
      nextRunAt: toDate(snapshot.nextRunAt),
      consecutiveFailures: snapshot.consecutiveFailures,
      lastError: snapshot.lastError ?? null,
      runCount: snapshot.runCount,
      jobUpdatedAt: now,
      updatedAt: now,
      ...(ordered && { jobInstanceId, jobSeq: seq }),
    },
  });
  if (count > 0) return 'written';
  if (!ordered) return 'missing';
  const row = await db.threatSettings.findUnique({ where: { userId: snapshot.userId }, select: { id: true } });
  return row ? 'stale' : 'missing';
}
