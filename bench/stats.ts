// Pure arithmetic over scrape_runs rows: lag percentiles and the catch-up accounting. Kept free of I/O
// so test/bench-stats.test.ts can prove the counting rules on hand-made rows.

export interface RunRow {
  userId: string;
  /** Epoch ms: when the scheduler planned the run, and when it decided to start it. */
  scheduledAt: number;
  startedAt: number;
}

export interface LagSummary {
  runs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile: always a value that was observed, never an interpolation. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarizeLag(runs: readonly RunRow[]): LagSummary {
  // A run that started early (clock rounding) is on time, not negatively late.
  const lags = runs.map((r) => Math.max(0, r.startedAt - r.scheduledAt)).sort((a, b) => a - b);
  return {
    runs: lags.length,
    p50Ms: percentile(lags, 50),
    p95Ms: percentile(lags, 95),
    p99Ms: percentile(lags, 99),
    maxMs: lags.length ? lags[lags.length - 1]! : Number.NaN,
  };
}

export interface Outage {
  /** Epoch ms the scheduler was stopped and restarted; observation ends at `observedUntil`. */
  stoppedAt: number;
  restartedAt: number;
  observedUntil: number;
  intervalMs: number;
}

export interface CatchUpSummary {
  /** Users whose next slot fell inside the outage. */
  overdueUsers: number;
  /** Overdue users that ran again after the restart, and when the last of them did. */
  caughtUp: number;
  allCaughtUpAfterMs: number | null;
  /** Two runs of one user for one slot: planned less than half an interval apart. */
  duplicates: number;
  /** Runs for different slots that started less than half an interval apart: the user scraped twice in a row. */
  bursts: number;
  /** Due slots skipped between two runs while the scheduler was up. */
  lost: number;
  /**
   * Slots due but not run when the watch ended, for users with no run after the restart. A durable
   * scheduler runs them later; these are lost only if it never does, which the watch cannot tell.
   */
  unrunAtEnd: number;
  /** Slots that fell inside the outage and were covered by the one catch-up run (the stated policy). */
  folded: number;
}

function byUser(runs: readonly RunRow[]): Map<string, RunRow[]> {
  const users = new Map<string, RunRow[]>();
  for (const run of runs) {
    const list = users.get(run.userId);
    if (list) list.push(run);
    else users.set(run.userId, [run]);
  }
  for (const list of users.values()) list.sort((a, b) => a.startedAt - b.startedAt);
  return users;
}

/** Slots skipped between two starts: a gap under 1.5 intervals skipped none. */
function slotsBetween(from: number, to: number, intervalMs: number): number {
  return Math.max(0, Math.round((to - from) / intervalMs) - 1);
}

/**
 * Counts, per user, what happened around one outage. Only runs that started before the outage and
 * from the restart until `observedUntil` are given; users with no run before the outage are ignored
 * because they had no slot due yet.
 */
export function analyzeCatchUp(runs: readonly RunRow[], outage: Outage): CatchUpSummary {
  const { stoppedAt, restartedAt, observedUntil, intervalMs } = outage;
  const summary: CatchUpSummary = { overdueUsers: 0, caughtUp: 0, allCaughtUpAfterMs: null, duplicates: 0, bursts: 0, lost: 0, unrunAtEnd: 0, folded: 0 };
  let latestCatchUp = -1;
  for (const list of byUser(runs.filter((r) => r.startedAt <= observedUntil)).values()) {
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const run = list[i]!;
      if (Math.abs(run.scheduledAt - prev.scheduledAt) < intervalMs / 2) {
        summary.duplicates++;
        continue;
      }
      if (run.startedAt - prev.startedAt < intervalMs / 2) {
        summary.bursts++;
        continue;
      }
      const skipped = slotsBetween(prev.startedAt, run.startedAt, intervalMs);
      // The gap that spans the outage: its skipped slots are the ones the catch-up run stands for.
      if (prev.startedAt < restartedAt && run.startedAt >= restartedAt) summary.folded += skipped;
      else summary.lost += skipped;
    }
    const before = list.filter((r) => r.startedAt < stoppedAt);
    const last = before[before.length - 1];
    if (!last) continue;
    if (last.startedAt + intervalMs < restartedAt) {
      summary.overdueUsers++;
      const after = list.find((r) => r.startedAt >= restartedAt);
      if (after) {
        summary.caughtUp++;
        latestCatchUp = Math.max(latestCatchUp, after.startedAt - restartedAt);
      }
    }
    // Nothing after the last run although slots were due: not run, at least not yet.
    const tail = list[list.length - 1]!;
    summary.unrunAtEnd += Math.max(0, Math.floor((observedUntil - tail.startedAt) / intervalMs - 0.5));
  }
  if (summary.overdueUsers > 0 && summary.caughtUp === summary.overdueUsers) summary.allCaughtUpAfterMs = latestCatchUp;
  return summary;
}

/** b / a with a readable answer when a is zero or missing. */
export function ratio(value: number | null | undefined, ours: number | null | undefined): number | null {
  if (value == null || ours == null || !Number.isFinite(value) || !Number.isFinite(ours) || ours === 0) return null;
  return value / ours;
}
