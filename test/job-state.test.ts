import { describe, expect, it } from 'vitest';
import {
  applySettings,
  idleStatus,
  MAX_UNRECORDED_RUNS,
  nextDueAt,
  reEnable,
  recordRunOutcome,
  validateSettingsPatch,
  type JobState,
} from '../src/workflows/job-state.js';

const limits = { minIntervalSeconds: 60, maxIntervalSeconds: 86_400 };
const base: JobState = {
  userId: 'u',
  jobInstanceId: 'r',
  intervalSeconds: 600,
  enabled: true,
  status: 'scheduled',
  consecutiveFailures: 0,
  runCount: 0,
  runNowRequested: false,
};
const run = (outcome: 'success' | 'failure', n: number) => ({ runKey: `r:${n}`, runNumber: n, scheduledAt: n * 1000, startedAt: n * 1000 + 5, outcome, error: outcome === 'failure' ? 'boom' : undefined });

describe('settings validation', () => {
  it('accepts a whole number of seconds within the limits, and a boolean enabled', () => {
    expect(validateSettingsPatch({ intervalSeconds: 60 }, limits)).toEqual({ intervalSeconds: 60 });
    expect(validateSettingsPatch({ intervalSeconds: 86_400, enabled: false }, limits)).toEqual({ intervalSeconds: 86_400, enabled: false });
  });
  it.each([
    [null, /must be an object/],
    [[1], /must be an object/],
    [{ intervalSeconds: 59 }, /between 60 and 86400, got 59/],
    [{ intervalSeconds: 86_401 }, /between 60 and 86400/],
    [{ intervalSeconds: Number.NaN }, /whole number/],
    [{ intervalSeconds: '600' }, /whole number/],
    [{ enabled: 1 }, /true or false/],
    [{ other: 1 }, /Unknown setting/],
    [{}, /Nothing to change/],
  ])('rejects %j', (patch, message) => {
    expect(() => validateSettingsPatch(patch, limits)).toThrow(message);
  });
});

describe('due time', () => {
  it('is now for a job that never ran or was asked to run now', () => {
    expect(nextDueAt({ ...base }, 5000)).toBe(5000);
    expect(nextDueAt({ ...base, lastRunAt: 4000, runNowRequested: true }, 5000)).toBe(5000);
  });
  it('is one interval after the last run, and never in the past (missed slots collapse into one run)', () => {
    expect(nextDueAt({ ...base, lastRunAt: 1000 }, 2000)).toBe(601_000);
    expect(nextDueAt({ ...base, lastRunAt: 1000 }, 10_000_000)).toBe(10_000_000);
  });
});

describe('run outcomes', () => {
  it('counts consecutive failures, resets on success, and locks out at the limit', () => {
    let s = base;
    for (let i = 1; i <= 4; i++) s = recordRunOutcome(s, run('failure', i), 5);
    expect(s).toMatchObject({ consecutiveFailures: 4, status: 'failed', lastError: 'boom', lastRunAt: 4005 });
    s = recordRunOutcome(s, run('success', 5), 5);
    expect(s).toMatchObject({ consecutiveFailures: 0, status: 'completed', lastError: undefined });
    for (let i = 6; i <= 10; i++) s = recordRunOutcome(s, run('failure', i), 5);
    expect(s).toMatchObject({ consecutiveFailures: 5, status: 'disabled_due_to_failures' });
    expect(idleStatus(s)).toBe('disabled_due_to_failures');
  });
  it('keeps failed runs for the mirror to record (bounded), and successes not', () => {
    let s = recordRunOutcome(base, run('failure', 1), 5);
    s = recordRunOutcome(s, run('success', 2), 5);
    s = recordRunOutcome(s, run('failure', 3), 5);
    expect(s.unrecordedRuns?.map((r) => r.runNumber)).toEqual([1, 3]);
    for (let i = 4; i < 4 + MAX_UNRECORDED_RUNS; i++) s = recordRunOutcome(s, run('failure', i), 1000);
    expect(s.unrecordedRuns).toHaveLength(MAX_UNRECORDED_RUNS);
    expect(s.unrecordedRuns!.at(-1)!.runNumber).toBe(3 + MAX_UNRECORDED_RUNS);
  });
  it('re-enable lifts the lock-out and resets the count; an unchanged enabled=true does not', () => {
    const locked = { ...base, consecutiveFailures: 5, status: 'disabled_due_to_failures' as const };
    expect(applySettings(locked, { enabled: true })).toMatchObject({ status: 'disabled_due_to_failures', consecutiveFailures: 5 });
    expect(reEnable(locked)).toMatchObject({ status: 'scheduled', consecutiveFailures: 0, enabled: true });
    const paused = applySettings(locked, { enabled: false });
    expect(idleStatus(paused)).toBe('paused');
    expect(applySettings(paused, { enabled: true })).toMatchObject({ enabled: true, consecutiveFailures: 0, status: 'scheduled' });
  });
});
