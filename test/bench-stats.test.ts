import { describe, expect, it } from 'vitest';
import { analyzeCatchUp, percentile, ratio, summarizeLag, type RunRow } from '../bench/stats.js';

const I = 60_000;
const run = (userId: string, scheduledAt: number, startedAt = scheduledAt): RunRow => ({ userId, scheduledAt, startedAt });
// Outage from 100 s to 220 s, watched until 300 s.
const outage = { stoppedAt: 100_000, restartedAt: 220_000, observedUntil: 300_000, intervalMs: I };

describe('bench lag percentiles', () => {
  it('uses the nearest rank, so every percentile is a lag that was observed', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('counts a run that started before its planned time as on time', () => {
    const lag = summarizeLag([run('a', 1000, 900), run('b', 1000, 1250), run('c', 1000, 3000)]);
    expect(lag).toEqual({ runs: 3, p50Ms: 250, p95Ms: 2000, p99Ms: 2000, maxMs: 2000 });
  });
});

describe('bench catch-up accounting', () => {
  it('one prompt run after the restart: caught up, its outage slot folded, nothing lost or duplicated', () => {
    const rows = [run('a', 30_000), run('a', 90_000), run('a', 150_000, 225_000), run('a', 285_000)];
    expect(analyzeCatchUp(rows, outage)).toEqual({ overdueUsers: 1, caughtUp: 1, allCaughtUpAfterMs: 5000, duplicates: 0, bursts: 0, lost: 0, unrunAtEnd: 0, folded: 1 });
  });

  it('a slot run twice is a duplicate; two slots run back to back are a burst', () => {
    const samePlan = [run('a', 90_000), run('a', 150_000, 222_000), run('a', 150_000, 290_000)];
    expect(analyzeCatchUp(samePlan, outage)).toMatchObject({ duplicates: 1, bursts: 0 });
    const burst = [run('a', 90_000), run('a', 150_000, 221_000), run('a', 210_000, 223_000)];
    expect(analyzeCatchUp(burst, outage)).toMatchObject({ duplicates: 0, bursts: 1 });
  });

  it('a user never run again after the restart is not caught up and its due slots are unrun at the end', () => {
    const rows = [run('a', 30_000), run('a', 90_000), run('b', 90_000), run('b', 150_000, 230_000)];
    const summary = analyzeCatchUp(rows, outage);
    expect(summary.overdueUsers).toBe(2);
    expect(summary.caughtUp).toBe(1);
    expect(summary.allCaughtUpAfterMs).toBeNull();
    // a: slots at 150, 210 and 270 s passed without a run.
    expect(summary.unrunAtEnd).toBe(3);
    expect(summary.lost).toBe(0);
  });

  it('a slot skipped outside the outage is lost, not folded', () => {
    // -100 s → 20 s: the slot at -40 s was skipped while the scheduler was up.
    const rows = [run('a', -100_000), run('a', 20_000), run('a', 80_000), run('a', 140_000, 221_000)];
    expect(analyzeCatchUp(rows, outage)).toMatchObject({ lost: 1, folded: 1, duplicates: 0, bursts: 0, caughtUp: 1 });
  });

  it('ignores users that had no run before the outage', () => {
    expect(analyzeCatchUp([run('a', 230_000)], outage)).toMatchObject({ overdueUsers: 0, caughtUp: 0, lost: 0, unrunAtEnd: 0 });
  });
});

describe('bench ratios', () => {
  it('divides by ours and refuses a zero or missing base', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 1)).toBeNull();
  });
});
