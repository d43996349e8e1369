// The operator CLI as a person meets it: a subprocess against the real database and dev server, its exit
// code, its one-line errors, and what it changed (or, for bad input, did not change) in the database and
// the workflow.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type Config } from '../src/config.js';
import { addUser, hashToken, startJob } from '../src/jobs/service.js';
import { createWorker } from '../src/worker.js';
import { autoScrapeWorkflowId } from '../src/workflows/keys.js';
import { getStateQuery } from '../src/workflows/messages.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, settingsOf, testConfig, waitFor } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();
// One failed run disables a job, so the re-enable test needs no five failures.
const config = testConfig({ MAX_CONSECUTIVE_FAILURES: '1' });
const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const UNREACHABLE_TEMPORAL = '127.0.0.1:1';

/** The test's configuration as environment variables, so the CLI starts jobs with the worker's task queue and limits. */
function environmentOf(c: Config): Record<string, string> {
  return Object.fromEntries(
    Object.entries(c)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)]),
  );
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, 'src/client/cli.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...environmentOf(config),
        DATABASE_URL: db.url,
        TEMPORAL_ADDRESS: temporal.env.address,
        ...env,
      },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command with --json, expecting success and nothing on stderr. */
async function cliJson<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const result = await cli([...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const serviceDeps = () => ({ prisma: db.prisma, config, client: temporal.env.client });
const liveState = (userId: string) => temporal.env.client.workflow.getHandle(autoScrapeWorkflowId(userId)).query(getStateQuery);

let worker: Worker;
let workerRun: Promise<void>;
beforeAll(async () => {
  // One worker for the file: each subprocess already costs a second, a bundle per test would double it.
  worker = await createWorker({ connection: temporal.env.nativeConnection, client: temporal.env.client, config, prisma: db.prisma });
  workerRun = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await workerRun;
});

describe('help', () => {
  it('lists every command, the connection defaults and the exit codes; each command has --help and --json', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['user', 'start', 'settings', 'pause', 'resume', 're-enable', 'run-now', 'stop', 'status', 'list', 'health-check']) {
      expect(top.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(top.stdout).toContain('postgresql://postgres:postgres@127.0.0.1:54329/auto_scrape');
    expect(top.stdout).toContain('127.0.0.1:7233');
    expect(top.stdout).toMatch(/^ {2}5 {2}unavailable/m);
    const sub = await cli(['user', 'add', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--source <kind>:<url>');
    expect(sub.stdout).toContain('--json');
    expect(sub.stdout).toContain('Exit codes:');
  });
});

// Each test has users of its own, so they run side by side: most of their time is subprocess start-up.
// it.concurrent inside plain describes: concurrent suites next to each other would run together, and
// the bad-input checks must not see these tests write.
describe('commands that succeed', () => {

  it.concurrent('user add stores settings and sources, and prints the token whose hash is stored', async () => {
    const userId = uniqueName('add');
    const added = await cliJson<{ userId: string; apiToken: string; intervalSeconds: number; enabled: boolean; keywords: string[] }>(
      'user', 'add', userId, '--interval', '120', '--keywords', 'cve, zero-day', '--source', 'rss:https://example.com/feed.xml', '--source', 'html:https://example.com/news',
    );
    expect(added).toMatchObject({ userId, intervalSeconds: 120, enabled: true, keywords: ['cve', 'zero-day'] });
    const row = await db.prisma.threatSettings.findUniqueOrThrow({ where: { userId }, include: { sources: { orderBy: { id: 'asc' } } } });
    expect(row).toMatchObject({ intervalSeconds: 120, enabled: true, keywords: ['cve', 'zero-day'], apiTokenHash: hashToken(added.apiToken) });
    expect(row.sources.map((s) => [s.kind, s.url])).toEqual([
      ['rss', 'https://example.com/feed.xml'],
      ['html', 'https://example.com/news'],
    ]);

    const paused = uniqueName('add');
    const text = await cli(['user', 'add', paused, '--disabled']);
    expect(text.code).toBe(0);
    const token = /^API token \(shown only now\): (ast_\S+)$/m.exec(text.stdout)?.[1];
    expect(token).toBeDefined();
    expect(await settingsOf(db.prisma, paused)).toMatchObject({ enabled: false, intervalSeconds: config.DEFAULT_INTERVAL_SECONDS, apiTokenHash: hashToken(token!) });
  });

  it.concurrent('start runs the job, settings reschedule it, and status and list show it live, stored and with its runs', async () => {
    const userId = uniqueName('start');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);

    const started = await cliJson('start', userId);
    expect(started).toMatchObject({ userId, workflowId: autoScrapeWorkflowId(userId) });
    // Never run before, so it runs at once; the worker mirrors the finished run.
    await waitFor('the first run', async () => {
      const row = await settingsOf(db.prisma, userId);
      return row.runCount === 1 && row.jobStatus === 'completed';
    });

    const changed = await cliJson('settings', userId, '--interval', '7200');
    expect(changed).toEqual({ userId, settings: { intervalSeconds: 7200, enabled: true }, delivery: 'signalled' });
    expect((await settingsOf(db.prisma, userId)).intervalSeconds).toBe(7200);
    await waitFor('the job to take the interval', async () => (await liveState(userId)).intervalSeconds === 7200);

    const status = await cliJson<{
      settings: { intervalSeconds: number; enabled: boolean };
      stored: { status: string; runCount: number };
      live: { status: string; runCount: number; intervalSeconds: number };
      recentRuns: { runNumber: number; outcome: string }[];
    }>('status', userId);
    const runs = await db.prisma.scrapeRun.findMany({ where: { userId }, orderBy: { runNumber: 'desc' } });
    expect(status.settings).toMatchObject({ intervalSeconds: 7200, enabled: true });
    expect(status.stored).toMatchObject({ status: 'completed', runCount: 1 });
    expect(status.live).toMatchObject({ status: 'completed', runCount: 1, intervalSeconds: 7200 });
    expect(status.recentRuns.map((r) => [r.runNumber, r.outcome])).toEqual(runs.map((r) => [r.runNumber, r.outcome]));
    const statusText = await cli(['status', userId]);
    expect(statusText.code).toBe(0);
    expect(statusText.stdout).toMatch(/^Live \(workflow query\)\nstatus +completed$/m);
    expect(statusText.stdout).toMatch(/^Recent runs \(scrape_runs\)\nrun +scheduled .+\n-+ .+\n +1 +\S+ \S+ \(.+\) .+ success +1 +\d+ +\d+ +-$/m);

    const listed = await cliJson<{ userId: string; jobStatus: string; runCount: number; intervalSeconds: number }[]>('list');
    expect(listed.find((j) => j.userId === userId)).toMatchObject({ jobStatus: 'completed', runCount: 1, intervalSeconds: 7200 });
  });

  it.concurrent('pause, resume and run-now reach the running job', async () => {
    const userId = uniqueName('control');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);
    await startJob(serviceDeps(), userId);
    await waitFor('the first run', async () => (await settingsOf(db.prisma, userId)).runCount === 1);

    expect(await cliJson('pause', userId)).toMatchObject({ userId, delivery: 'signalled' });
    expect((await settingsOf(db.prisma, userId)).enabled).toBe(false);
    await waitFor('the job to pause', async () => (await liveState(userId)).status === 'paused');

    expect(await cliJson('resume', userId)).toMatchObject({ userId, delivery: 'signalled' });
    expect((await settingsOf(db.prisma, userId)).enabled).toBe(true);
    await waitFor('the job to resume', async () => {
      const live = await liveState(userId);
      return live.enabled && live.status !== 'paused';
    });

    expect(await cliJson('run-now', userId)).toEqual({ userId, delivery: 'signalled' });
    await waitFor('the second run', async () => {
      const row = await settingsOf(db.prisma, userId);
      return row.runCount === 2 && row.jobStatus === 'completed';
    });
    expect(await db.prisma.scrapeRun.count({ where: { userId, outcome: 'success' } })).toBe(2);
  });

  it.concurrent('stop terminates the job and leaves it off; resume then starts a new one on the old cadence', async () => {
    const userId = uniqueName('stop');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);
    await startJob(serviceDeps(), userId);
    const lastRunAt = await waitFor('the first run', async () => (await settingsOf(db.prisma, userId)).lastRunAt ?? undefined);

    expect(await cliJson('stop', userId)).toEqual({ userId, wasRunning: true });
    const description = await temporal.env.client.workflow.getHandle(autoScrapeWorkflowId(userId)).describe();
    expect(description.status.name).toBe('TERMINATED');
    expect(await settingsOf(db.prisma, userId)).toMatchObject({ enabled: false, jobStatus: 'paused' });
    expect(await cliJson('stop', userId)).toEqual({ userId, wasRunning: false });

    expect(await cliJson('resume', userId)).toMatchObject({ userId, delivery: 'started' });
    const live = await waitFor('the new job', async () => {
      const state = await liveState(userId);
      return state.nextRunAt !== undefined && state;
    });
    expect(live).toMatchObject({ enabled: true, status: 'scheduled', lastRunAt: lastRunAt.getTime(), nextRunAt: lastRunAt.getTime() + 3600_000 });
  });

  it.concurrent('re-enable lifts the lock-out of a job that disabled itself', async () => {
    const userId = uniqueName('reenable');
    sources.setStatus(`/${userId}`, 404);
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 3600);
    await cliJson('start', userId);
    await waitFor('the job to disable itself', async () => (await settingsOf(db.prisma, userId)).jobStatus === 'disabled_due_to_failures');

    expect(await cliJson('re-enable', userId)).toEqual({ userId, delivery: 'signalled' });
    // Waiting for its next run, it shows the outcome of the last one, no longer the lock-out.
    const live = await waitFor('the job to lift the lock-out', async () => {
      const state = await liveState(userId);
      return state.status !== 'disabled_due_to_failures' && state;
    });
    expect(live).toMatchObject({ status: 'failed', enabled: true, consecutiveFailures: 0 });
    await waitFor('the mirror of the re-enable', async () => {
      const row = await settingsOf(db.prisma, userId);
      return row.jobStatus === 'failed' && row.consecutiveFailures === 0 && row.enabled;
    });
  });

  it.concurrent('list filters by status and by how overdue the next run is', async () => {
    const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000);
    const overdue = uniqueName('overdue');
    const onTime = uniqueName('ontime');
    const paused = uniqueName('paused');
    await db.prisma.threatSettings.createMany({
      data: [
        { userId: overdue, jobStatus: 'completed', nextRunAt: minutesFromNow(-10) },
        { userId: onTime, jobStatus: 'completed', nextRunAt: minutesFromNow(60) },
        { userId: paused, enabled: false, jobStatus: 'paused', nextRunAt: minutesFromNow(-10) },
      ],
    });
    const ids = async (...args: string[]) => (await cliJson<{ userId: string; jobStatus: string }[]>('list', ...args)).map((j) => j.userId);

    const pausedOnes = await cliJson<{ userId: string; jobStatus: string }[]>('list', '--status', 'paused');
    expect(pausedOnes.map((j) => j.userId)).toContain(paused);
    expect(pausedOnes.every((j) => j.jobStatus === 'paused')).toBe(true);

    const late = await ids('--overdue', '60');
    expect(late).toContain(overdue);
    expect(late).not.toContain(onTime);
    expect(late).not.toContain(paused);
    expect(await ids('--overdue', '900')).not.toContain(overdue);
    const table = await cli(['list', '--overdue']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^user +status +enabled +interval s +last run +next run +failures +runs +last error\n-+ /);
    expect(table.stdout).toMatch(new RegExp(`^${overdue} +completed +true +3600 +- +\\S+ \\S+ \\(\\d+m ago\\) +0 +0 +-$`, 'm'));
  });

  it.concurrent('without Temporal, status answers from the database with a note, settings are saved, and start refuses', async () => {
    const quiet = uniqueName('notemporal');
    const changed = uniqueName('notemporal');
    const unstarted = uniqueName('notemporal');
    for (const userId of [quiet, changed, unstarted]) await createUser(db.prisma, userId, [], 3600);
    const away = { TEMPORAL_ADDRESS: UNREACHABLE_TEMPORAL };
    const before = await settingsOf(db.prisma, unstarted);

    const [status, settings, start] = await Promise.all([
      cli(['status', quiet, '--json'], away),
      cli(['settings', changed, '--interval', '300', '--json'], away),
      cli(['start', unstarted], away),
    ]);

    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ userId: quiet, settings: { intervalSeconds: 3600 }, liveError: 'Temporal is not reachable', recentRuns: [] });
    expect(status.stderr).toMatch(/^note: Temporal is not reachable at 127\.0\.0\.1:1 \(.+\)\.\n$/);

    expect(settings.code).toBe(0);
    expect(JSON.parse(settings.stdout)).toEqual({ userId: changed, settings: { intervalSeconds: 300, enabled: true }, delivery: 'temporal_unavailable' });
    expect((await settingsOf(db.prisma, changed)).intervalSeconds).toBe(300);

    expect(start.code).toBe(5);
    expect(start.stdout).toBe('');
    expect(start.stderr).toMatch(/^error: Temporal is not reachable at 127\.0\.0\.1:1 \(.+\); try again when it is\.\n$/);
    expect(await settingsOf(db.prisma, unstarted)).toEqual(before);
  });
});

describe('bad input ends with one line on stderr, its exit code, and nothing written', () => {
  const bystander = uniqueName('bystander');
  const pausedUser = uniqueName('paused');
  const newUser = uniqueName('new');
  const feed = 'https://example.com/feed.xml';

  beforeAll(async () => {
    await createUser(db.prisma, bystander, [feed], 3600);
    await createUser(db.prisma, pausedUser, [], 3600);
    await db.prisma.threatSettings.update({ where: { userId: pausedUser }, data: { enabled: false } });
  });

  // Whole-table counts catch any insert; the bystander's full rows catch any update. Jobs started by
  // earlier tests may still mirror their own rows, which neither includes.
  const snapshot = async () => ({
    users: await db.prisma.threatSettings.count(),
    sources: await db.prisma.threatSource.count(),
    bystander: await db.prisma.threatSettings.findUnique({ where: { userId: bystander }, include: { sources: true } }),
    paused: await db.prisma.threatSettings.findUnique({ where: { userId: pausedUser } }),
  });

  const cases: [string, () => string[], number, RegExp, Record<string, string>?][] = [
    ['an unknown user (settings)', () => ['settings', 'nobody-here', '--interval', '120'], 3, /^error: No user nobody-here/],
    ['an unknown user (status)', () => ['status', 'nobody-here'], 3, /^error: No user nobody-here/],
    ['interval 0', () => ['settings', bystander, '--interval', '0'], 2, /^error: intervalSeconds must be between 1 and 604800, got 0\.$/],
    ['a negative interval', () => ['settings', bystander, '--interval', '-5'], 2, /^error: intervalSeconds must be between 1 and 604800, got -5\.$/],
    ['an interval that is not a number', () => ['settings', bystander, '--interval', 'abc'], 2, /^error: --interval must be a number of seconds, got "abc"\.$/],
    ['an interval above the maximum', () => ['settings', bystander, '--interval', '604801'], 2, /^error: intervalSeconds must be between 1 and 604800, got 604801\.$/],
    ['a fractional interval', () => ['settings', bystander, '--interval', '1.5'], 2, /^error: intervalSeconds must be a whole number of seconds, got 1\.5\.$/],
    ['settings with nothing to change', () => ['settings', bystander], 2, /^error: Nothing to change/],
    ['--enable with --disable', () => ['settings', bystander, '--enable', '--disable'], 2, /^error: option '--enable' cannot be used with option '--disable'/],
    ['a new user with interval 0', () => ['user', 'add', newUser, '--interval', '0'], 2, /^error: intervalSeconds must be between/],
    ['a malformed source URL', () => ['user', 'add', newUser, '--source', 'rss:not a url'], 2, /^error: Source URL "not a url" is not a valid URL\.$/],
    ['a source URL that is not http(s)', () => ['user', 'add', newUser, '--source', 'rss:ftp://example.com/feed'], 2, /^error: Source URL ftp:\/\/example\.com\/feed must be http or https\.$/],
    ['an unknown source kind', () => ['user', 'add', newUser, '--source', `gopher:${feed}`], 2, /^error: Unknown source kind "gopher"; use one of rss, atom, html\.$/],
    ['a source without a kind', () => ['user', 'add', newUser, '--source', ':https://example.com'], 2, /^error: --source must be <kind>:<url>/],
    ['the same source twice', () => ['user', 'add', newUser, '--source', `rss:${feed}`, '--source', `atom:${feed}`], 2, /^error: Source URL .+ is given twice\.$/],
    ['a user id with spaces', () => ['user', 'add', 'bad id'], 2, /^error: User id must be/],
    ['a user that already exists', () => ['user', 'add', bystander], 4, new RegExp(`^error: User ${bystander} already exists\\.$`)],
    ['run-now on a paused job', () => ['run-now', pausedUser], 4, /^error: The job of .+ is paused; resume it before asking for a run\.$/],
    ['an unknown status', () => ['list', '--status', 'sleeping'], 2, /^error: Unknown status "sleeping"; use one of scheduled, running/],
    ['an overdue threshold that is not a number', () => ['list', '--overdue', 'soon'], 2, /^error: --overdue must be a number of seconds, got "soon"\.$/],
    ['an unknown command', () => ['frobnicate'], 2, /^error: unknown command 'frobnicate'/],
    ['a missing user id', () => ['settings', '--interval', '60'], 2, /^error: missing required argument 'userId'/],
    ['an unknown option', () => ['list', '--bogus'], 2, /^error: unknown option '--bogus'/],
    ['a database that is not there', () => ['list'], 5, /^error: Cannot use the database at 127\.0\.0\.1:1\/nowhere: .+ Is `npm start` running\?/, { DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/nowhere' }],
    ['an invalid configuration', () => ['list'], 2, /^error: Invalid configuration: INTERVAL_MIN_SECONDS/, { INTERVAL_MIN_SECONDS: 'soon' }],
  ];

  it.concurrent.each(cases)('%s', async (_name, args, exitCode, message, env) => {
    const before = await snapshot();
    const result = await cli(args(), env);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
    expect(result.code).toBe(exitCode);
    expect(result.stdout).toBe('');
    expect(await snapshot()).toEqual(before);
  });
});

// Last and alone: a pass reconciles every user in the database, which would disturb tests running beside it.
describe('health-check', () => {
  it('health-check --wait runs a pass and prints its report', async () => {
    const userId = uniqueName('hc');
    await addUser(serviceDeps(), { userId, intervalSeconds: 3600, sources: [{ url: sources.url(`/${userId}`), kind: 'rss' }] });
    const report = await cliJson<{ checked: number; started: number; errorCount: number; finishedAt: string }>('health-check', '--wait');
    expect(report.checked).toBeGreaterThanOrEqual(1);
    expect(report.finishedAt).toBeTruthy();
    // The pass started the new user's job.
    await waitFor('the job the health check started', async () => (await liveState(userId)).userId === userId);
  });
});
