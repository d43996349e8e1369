// What the bench reads back: scrape_runs rows, Postgres' own counters, and workflow histories.
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { autoScrapeWorkflowId } from '../src/workflows/keys.js';
import type { RunRow } from './stats.js';

/** Runs of one user group, selected by planned time (lag windows) or start time (catch-up). */
export async function fetchRuns(pool: pg.Pool, prefix: string, from: number, to: number, by: 'scheduled' | 'started'): Promise<RunRow[]> {
  const column = by === 'scheduled' ? 'scheduled_at' : 'started_at';
  const { rows } = await pool.query<{ user_id: string; scheduled: string; started: string }>(
    `SELECT user_id, (extract(epoch FROM scheduled_at) * 1000)::bigint AS scheduled, (extract(epoch FROM started_at) * 1000)::bigint AS started
       FROM scrape_runs WHERE user_id LIKE $1 || '-%' AND ${column} >= $2 AND ${column} < $3`,
    [prefix, new Date(from), new Date(to)],
  );
  return rows.map((r) => ({ userId: r.user_id, scheduledAt: Number(r.scheduled), startedAt: Number(r.started) }));
}

export interface PgCounters {
  commits: number;
  rowWrites: number;
}

export async function pgCounters(pool: pg.Pool): Promise<PgCounters> {
  const client = await pool.connect();
  try {
    // Within a transaction the statistics snapshot is cached; start from a fresh one.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ commits: string; writes: string }>(
      `SELECT xact_commit AS commits, tup_inserted + tup_updated + tup_deleted AS writes FROM pg_stat_database WHERE datname = current_database()`,
    );
    return { commits: Number(rows[0]?.commits ?? 0), rowWrites: Number(rows[0]?.writes ?? 0) };
  } finally {
    client.release();
  }
}

export async function pgConnections(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()`);
  return Number(rows[0]?.n ?? 0);
}

export async function runsStarted(pool: pg.Pool, prefix: string, from: number, to: number): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM scrape_runs WHERE user_id LIKE $1 || '-%' AND started_at >= $2 AND started_at < $3`, [
    prefix,
    new Date(from),
    new Date(to),
  ]);
  return Number(rows[0]?.n ?? 0);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null;
};

/**
 * History events one run of our job adds: the distance between consecutive scrape activities in a
 * job's history, so the one-off start-up events are not charged to every run.
 */
export async function oursEventsPerRun(client: Client, userIds: string[]): Promise<number | null> {
  const perRun: number[] = [];
  for (const userId of userIds) {
    const history = await client.workflow.getHandle(autoScrapeWorkflowId(userId)).fetchHistory();
    const events = history.events ?? [];
    const scrapes = events.flatMap((e, i) => (e.activityTaskScheduledEventAttributes?.activityType?.name === 'scrapeUser' ? [i] : []));
    if (scrapes.length >= 2) perRun.push((scrapes[scrapes.length - 1]! - scrapes[0]!) / (scrapes.length - 1));
  }
  return median(perRun);
}

/**
 * History events per run of a Schedule: the whole short workflow, plus the schedule's own bookkeeping
 * when the server lets us read it (its internal workflow), per action it took.
 */
export async function scheduleEventsPerRun(client: Client, scheduleIds: string[]): Promise<{ workflow: number | null; scheduler: number | null }> {
  const workflow: number[] = [];
  const scheduler: number[] = [];
  for (const id of scheduleIds) {
    const description = await client.schedule.getHandle(id).describe();
    // The newest action may still be waiting for a busy worker; only a finished run shows its whole cost.
    for (const recent of description.info.recentActions) {
      const history = await client.workflow.getHandle(recent.action.workflow.workflowId, recent.action.workflow.firstExecutionRunId).fetchHistory();
      const events = history.events ?? [];
      if (events.some((e) => e.workflowExecutionCompletedEventAttributes)) {
        workflow.push(events.length);
        break;
      }
    }
    const actions = description.info.numActionsTaken;
    try {
      const internal = await client.workflow.getHandle(`temporal-sys-scheduler:${id}`).fetchHistory();
      if (actions > 0) scheduler.push((internal.events?.length ?? 0) / actions);
    } catch {
      // Not readable on this server version; reported as unknown rather than guessed.
    }
  }
  return { workflow: median(workflow), scheduler: median(scheduler) };
}

/**
 * Users of a group that were overdue at the restart (their last run before the stop was more than an
 * interval before the restart) and how many of them have run again since.
 */
export async function catchUpProgress(pool: pg.Pool, prefix: string, stoppedAt: number, restartedAt: number, intervalSeconds: number): Promise<{ overdue: number; caughtUp: number }> {
  const { rows } = await pool.query<{ overdue: string; caught: string }>(
    `WITH overdue AS (
       SELECT user_id FROM scrape_runs WHERE user_id LIKE $1 || '-%' AND started_at < $2
       GROUP BY user_id HAVING max(started_at) + make_interval(secs => $4) < $3)
     SELECT (SELECT count(*) FROM overdue) AS overdue,
            (SELECT count(DISTINCT r.user_id) FROM scrape_runs r JOIN overdue o USING (user_id) WHERE r.started_at >= $3) AS caught`,
    [prefix, new Date(stoppedAt), new Date(restartedAt), intervalSeconds],
  );
  return { overdue: Number(rows[0]?.overdue ?? 0), caughtUp: Number(rows[0]?.caught ?? 0) };
}
