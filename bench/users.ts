// Seeds one group of benchmark users: a threat_settings row and one RSS source each, in one statement
// per table so a thousand users cost milliseconds, not a thousand round trips.
import type pg from 'pg';

export interface UserGroup {
  prefix: string;
  count: number;
  intervalSeconds: number;
  /**
   * Epoch ms each user's first run is due. Spread evenly over one interval so every system sees the
   * same steady trickle of due runs rather than a thundering herd at the start.
   */
  firstDueAt: number[];
  ids: string[];
}

export function planGroup(prefix: string, count: number, intervalSeconds: number, startAt: number): UserGroup {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}`);
  const firstDueAt = ids.map((_, i) => startAt + Math.floor(((i + 0.5) / count) * intervalSeconds * 1000));
  return { prefix, count, intervalSeconds, firstDueAt, ids };
}

export async function seedGroup(pool: pg.Pool, group: UserGroup, feedBaseUrl: string): Promise<void> {
  // last_run_at one interval before the first due time: what the legacy scheduler recovers its timers
  // from, and what our job receives as lastRunAt, so both plan the same first slot.
  const lastRunAt = group.firstDueAt.map((t) => new Date(t - group.intervalSeconds * 1000));
  await pool.query(
    `INSERT INTO threat_settings (user_id, enabled, interval_seconds, keywords, last_run_at, updated_at)
     SELECT id, true, $2, ARRAY['advisory'], last, now() FROM unnest($1::text[], $3::timestamptz[]) AS u(id, last)`,
    [group.ids, group.intervalSeconds, lastRunAt],
  );
  await pool.query(
    `INSERT INTO threat_sources (user_id, url, kind, updated_at)
     SELECT id, $2 || '/feed/' || id, 'rss', now() FROM unnest($1::text[]) AS u(id)`,
    [group.ids, feedBaseUrl],
  );
}
