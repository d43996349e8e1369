// `npm run bench`: scheduling lag, catch-up after a worker outage and cost per run for our per-user
// workflows, one Temporal Schedule per user and the legacy timer scheduler, then our capacity at a
// longer interval. Prints a table and writes JSON. See README "Performance" for the phase plan.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { PROJECT_ROOT, SECOND } from '../src/config.js';
import { WORKFLOWS_PATH } from '../src/worker.js';
import { startInfra, benchEnv, type Infra } from './infra.js';
import { catchUpProgress, fetchRuns, oursEventsPerRun, pgConnections, pgCounters, runsStarted, scheduleEventsPerRun, type PgCounters } from './measure.js';
import { cpuShare, pgrep, sampleProc, spawnEntry, treeRss, type Child } from './processes.js';
import { renderRows, renderTable, writeJson, type Row } from './report.js';
import { analyzeCatchUp, summarizeLag, type CatchUpSummary, type LagSummary } from './stats.js';
import { createSchedules, deleteSchedules, scheduleId, startOurJobs } from './systems.js';
import { planGroup, seedGroup, type UserGroup } from './users.js';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
};
const steps = (value: string) => value.split(',').map((v) => positive(v.trim()));

const program = new Command('bench')
  .description('Benchmark the auto-scrape scheduler against a legacy timer scheduler and one Temporal Schedule per user.')
  .option('--users <n>', 'users per system (env BENCH_USERS)', positive, Number(process.env.BENCH_USERS ?? 1000))
  .option('--interval <seconds>', 'scrape interval of every user (env BENCH_INTERVAL)', positive, Number(process.env.BENCH_INTERVAL ?? 60))
  .option('--outage <seconds>', 'how long each worker is stopped (env BENCH_OUTAGE)', positive, Number(process.env.BENCH_OUTAGE ?? 120))
  .option('--observe <seconds>', 'longest the legacy and schedules catch-ups are watched; ours may use the whole concurrent outage; a watch ends 10 s after every overdue user ran (env BENCH_OBSERVE)', positive, Number(process.env.BENCH_OBSERVE ?? 60))
  .option('--capacity-interval <seconds>', 'interval of the capacity phase (env BENCH_CAPACITY_INTERVAL)', positive, Number(process.env.BENCH_CAPACITY_INTERVAL ?? 300))
  .option('--capacity-steps <list>', 'cumulative user counts tried in the capacity phase (env BENCH_CAPACITY_STEPS)', steps, steps(process.env.BENCH_CAPACITY_STEPS ?? '1000,2000,3000'))
  .option('--capacity-window <seconds>', 'window measured at each capacity step (env BENCH_CAPACITY_WINDOW)', positive, Number(process.env.BENCH_CAPACITY_WINDOW ?? 45))
  .option('--no-capacity', 'skip the capacity phase')
  .option('--budget <seconds>', 'capacity steps that would end after this much total time are not started (env BENCH_BUDGET)', positive, Number(process.env.BENCH_BUDGET ?? 870))
  .option('--out <file>', 'where the JSON goes', path.join(PROJECT_ROOT, 'bench', 'results', 'latest.json'));

interface Options {
  users: number;
  interval: number;
  outage: number;
  observe: number;
  capacityInterval: number;
  capacitySteps: number[];
  capacityWindow: number;
  capacity: boolean;
  budget: number;
  out: string;
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
const began = Date.now();
const log = (line: string) => process.stderr.write(`[bench +${Math.round((Date.now() - began) / 1000)}s] ${line}\n`);
const MB = 1024 * 1024;
/** Runs planned this close to a window's end may not have started when the window closes. */
const WINDOW_GRACE_MS = 10 * SECOND;
/** How far ahead a freshly seeded group's first runs begin. */
const LEAD_MS = 5 * SECOND;
/** Watched after the last overdue user ran, so a burst of extra runs right after it is still counted. */
const CATCH_UP_TAIL_MS = 10 * SECOND;
const CAPACITY_SETTLE_MS = 15 * SECOND;

/** Waits until every overdue user of the group ran again (plus a tail), or `maxMs` after the restart. */
async function watchCatchUp(infra: Infra, prefix: string, stoppedAt: number, restartedAt: number, intervalSeconds: number, maxMs: number): Promise<number> {
  const deadline = restartedAt + maxMs;
  while (Date.now() < deadline) {
    const { overdue, caughtUp } = await catchUpProgress(infra.pool, prefix, stoppedAt, restartedAt, intervalSeconds);
    if (overdue > 0 && caughtUp >= overdue) {
      await sleepUntil(Math.min(deadline, Date.now() + CATCH_UP_TAIL_MS));
      break;
    }
    await sleepUntil(Math.min(deadline, Date.now() + 2 * SECOND));
  }
  log(`  ${prefix}: catch-up watched for ${Math.round((Date.now() - restartedAt) / 1000)} s`);
  return Date.now();
}

interface Window {
  from: number;
  to: number;
  counters: { before: PgCounters; after: PgCounters };
  proc: { before: ReturnType<typeof sampleProc>; after: ReturnType<typeof sampleProc> };
}

interface SystemResult {
  lagWindow: { from: number; to: number; seconds: number };
  lag: LagSummary;
  plannedButNotStartedInWindow: number;
  setupSeconds: number;
  dbCommitsPerRun: number | null;
  dbRowWritesPerRun: number | null;
  runsInWindow: number;
  processCpuCores: number | null;
  processRssMb: number | null;
  historyEventsPerRun: number | null;
  historyEventsPerUserDay: number | null;
  catchUp: CatchUpSummary & { stoppedAt: number; restartedAt: number; observedUntil: number };
}

async function openWindow(infra: Infra, pid: number | undefined): Promise<Omit<Window, 'to'> & { close(): Promise<Window> }> {
  const from = Date.now();
  const before = await pgCounters(infra.pool);
  const procBefore = pid ? sampleProc(pid) : undefined;
  return {
    from,
    counters: { before, after: before },
    proc: { before: procBefore, after: undefined },
    close: async () => {
      const to = Date.now();
      return { from, to, counters: { before, after: await pgCounters(infra.pool) }, proc: { before: procBefore, after: pid ? sampleProc(pid) : undefined } };
    },
  };
}

type OutageTimes = Pick<SystemResult['catchUp'], 'stoppedAt' | 'restartedAt' | 'observedUntil'>;

/** Bundled once per bench run: a worker restarted inside a measurement must not spend it in webpack. */
async function writeBundle(workflowsPath: string, outFile: string): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
}

async function summarizeSystem(infra: Infra, group: UserGroup, window: Window, setupSeconds: number, catchUp: OutageTimes, intervalSeconds: number): Promise<Omit<SystemResult, 'historyEventsPerRun' | 'historyEventsPerUserDay'>> {
  const planned = await fetchRuns(infra.pool, group.prefix, window.from, window.to - WINDOW_GRACE_MS, 'scheduled');
  // A run planned in the window but started only after the window closed (after the outage that follows
  // it) measures the outage, not the scheduler: it is counted apart.
  const lagRows = planned.filter((r) => r.startedAt < window.to);
  const started = await runsStarted(infra.pool, group.prefix, window.from, window.to);
  const commits = window.counters.after.commits - window.counters.before.commits;
  const writes = window.counters.after.rowWrites - window.counters.before.rowWrites;
  return {
    lagWindow: { from: window.from, to: window.to, seconds: Math.round((window.to - window.from) / 1000) },
    lag: summarizeLag(lagRows),
    plannedButNotStartedInWindow: planned.length - lagRows.length,
    setupSeconds,
    runsInWindow: started,
    // The bench's own few queries are in these counters too; at hundreds of runs per window they vanish.
    dbCommitsPerRun: started ? commits / started : null,
    dbRowWritesPerRun: started ? writes / started : null,
    processCpuCores: cpuShare(window.proc.before, window.proc.after),
    processRssMb: window.proc.after ? window.proc.after.rssBytes / MB : null,
    catchUp: { ...catchUp, ...analyzeCatchUp(await fetchRuns(infra.pool, group.prefix, catchUp.stoppedAt - 3 * intervalSeconds * 1000, catchUp.observedUntil, 'started'), { ...catchUp, intervalMs: intervalSeconds * 1000 }) },
  };
}

function devServerPid(infra: Infra): number | undefined {
  return pgrep(`${infra.cliPath}.*${infra.temporalPort}`)[0];
}
function postgresPid(infra: Infra): number | undefined {
  return pgrep(`postgres.*-D ?${infra.pgDataDir}`)[0] ?? pgrep(`postgres.*${infra.pgPort}`)[0];
}

async function main(): Promise<void> {
  const opts = program.parse().opts<Options>();
  const { users, interval, outage, observe } = opts;
  const outageMs = outage * SECOND;
  const observeMs = observe * SECOND;
  log(`users=${users} interval=${interval}s outage=${outage}s observe=${observe}s capacity=${opts.capacity ? `${opts.capacitySteps.join(',')} @ ${opts.capacityInterval}s, ${opts.capacityWindow}s each` : 'skipped'}`);

  // Other work on the machine shows in every figure; the load average says how much there was.
  const loadAtStart = os.loadavg();
  const infra = await startInfra(log);
  const children: Child[] = [];
  try {
    log(`Postgres on ${infra.pgPort}, Temporal dev server at ${infra.temporal.address}, feeds at ${infra.feed.baseUrl}`);
    const client = infra.temporal.client;
    const bundleDir = path.join(infra.pgDataDir, '..', 'bundles');
    const oursBundle = path.join(bundleDir, 'ours.js');
    const schedBundle = path.join(bundleDir, 'schedules.js');
    await writeBundle(WORKFLOWS_PATH, oursBundle);
    await writeBundle(path.join(PROJECT_ROOT, 'bench', 'schedule-workflow.ts'), schedBundle);
    log('workflow bundles built');

    const logFile = path.join(os.tmpdir(), `auto-scrape-bench-${began}.log`);
    log(`child process output: ${logFile}`);
    const base = { DATABASE_URL: infra.databaseUrl, TEMPORAL_ADDRESS: infra.temporal.address };
    const spawnOurs = async (taskQueue: string) => {
      const child = await spawnEntry('worker-proc.ts', benchEnv({ ...base, TEMPORAL_TASK_QUEUE: taskQueue, BENCH_BUNDLE: oursBundle }), log, logFile);
      children.push(child);
      return child;
    };
    const spawnSched = async () => {
      const child = await spawnEntry('worker-proc.ts', benchEnv({ ...base, TEMPORAL_TASK_QUEUE: 'bench-schedules', BENCH_BUNDLE: schedBundle }), log, logFile);
      children.push(child);
      return child;
    };
    const spawnLegacy = async () => {
      const child = await spawnEntry('legacy-proc.ts', benchEnv({ ...base, BENCH_LEGACY_PREFIX: 'legacy-' }), log, logFile);
      children.push(child);
      return child;
    };

    // Each system's steady state runs alone; the only overlap is with another system's outage, when
    // that system has no worker and costs next to nothing. Every outage is exactly `outage` long.
    // ---- Phase 1: legacy alone, steady state (one interval plus the lead, so every user ran once)
    log(`phase 1: legacy timer scheduler, ${users} users, steady state`);
    const setupL = Date.now();
    const legacyGroup = planGroup('legacy', users, interval, Date.now() + LEAD_MS);
    await seedGroup(infra.pool, legacyGroup, infra.feed.baseUrl);
    let legacy = await spawnLegacy();
    const setupLegacy = (Date.now() - setupL) / 1000;
    const winL = await openWindow(infra, legacy.pid);
    await sleepUntil(setupL + LEAD_MS + interval * SECOND + WINDOW_GRACE_MS);
    const windowLegacy = await winL.close();
    await legacy.kill();
    const legacyStop = Date.now();
    log('  legacy process killed: its outage begins');

    // ---- Phase 2: ours alone during the legacy outage
    log(`phase 2: ${users} per-user workflows, steady state during the legacy outage`);
    const oursConfig = { ...infra.config, TEMPORAL_TASK_QUEUE: 'bench-ours' };
    let oursWorker = await spawnOurs('bench-ours');
    const setupA = Date.now();
    const oursGroup = planGroup('ours', users, interval, Date.now() + LEAD_MS);
    await seedGroup(infra.pool, oursGroup, infra.feed.baseUrl);
    await startOurJobs(client, oursConfig, oursGroup);
    const setupOurs = (Date.now() - setupA) / 1000;
    log(`  started ${users} jobs in ${setupOurs.toFixed(1)} s`);
    const winA = await openWindow(infra, oursWorker.pid);
    await sleepUntil(legacyStop + outageMs);
    const windowOurs = await winA.close();
    await oursWorker.kill();
    const oursStop = Date.now();
    log('  our worker killed: its outage begins; restarting the legacy process');
    const legacyRestart = Date.now();
    legacy = await spawnLegacy();
    const legacyObserved = await watchCatchUp(infra, 'legacy', legacyStop, legacyRestart, interval, Math.min(observeMs, outageMs / 2));
    await legacy.stop();

    // ---- Phase 3: schedules alone during our outage
    log(`phase 3: ${users} Temporal Schedules, steady state during our outage`);
    let schedWorker = await spawnSched();
    const setupB = Date.now();
    const schedGroup = planGroup('sched', users, interval, Date.now() + LEAD_MS);
    await seedGroup(infra.pool, schedGroup, infra.feed.baseUrl);
    await createSchedules(client, 'bench-schedules', schedGroup);
    const setupSched = (Date.now() - setupB) / 1000;
    log(`  created ${users} schedules in ${setupSched.toFixed(1)} s`);
    const winB = await openWindow(infra, schedWorker.pid);
    await sleepUntil(oursStop + outageMs);
    const windowSched = await winB.close();
    await schedWorker.kill();
    const schedStop = Date.now();
    log('  schedules worker killed: its outage begins; restarting our worker');
    const oursRestart = Date.now();
    oursWorker = await spawnOurs('bench-ours');
    // Our catch-up may use the whole schedules outage: nothing else runs meanwhile.
    const oursObserved = await watchCatchUp(infra, 'ours', oursStop, oursRestart, interval, Math.max(observeMs, outageMs - 5 * SECOND));
    await oursWorker.kill();

    // ---- Phase 4: the schedules' catch-up
    await sleepUntil(schedStop + outageMs);
    log('  restarting the schedules worker');
    const schedRestart = Date.now();
    schedWorker = await spawnSched();
    const schedObserved = await watchCatchUp(infra, 'sched', schedStop, schedRestart, interval, observeMs);
    const schedEvents = await scheduleEventsPerRun(client, schedGroup.ids.slice(0, 10).map(scheduleId));
    await schedWorker.kill();
    await deleteSchedules(client, schedGroup);

    const oursEvents = await oursEventsPerRun(client, oursGroup.ids.filter((_, i) => i % Math.max(1, Math.floor(users / 20)) === 0).slice(0, 20));
    const perDay = (events: number | null) => (events === null ? null : (events * 86_400) / interval);
    const ours = {
      ...(await summarizeSystem(infra, oursGroup, windowOurs, setupOurs, { stoppedAt: oursStop, restartedAt: oursRestart, observedUntil: oursObserved }, interval)),
      historyEventsPerRun: oursEvents,
      historyEventsPerUserDay: perDay(oursEvents),
    };
    const schedEventsPerRun = schedEvents.workflow === null ? null : schedEvents.workflow + (schedEvents.scheduler ?? 0);
    const schedules = {
      ...(await summarizeSystem(infra, schedGroup, windowSched, setupSched, { stoppedAt: schedStop, restartedAt: schedRestart, observedUntil: schedObserved }, interval)),
      historyEventsPerRun: schedEventsPerRun,
      historyEventsPerUserDay: perDay(schedEventsPerRun),
      historyEventsBreakdown: schedEvents,
    };
    const legacyResult = {
      ...(await summarizeSystem(infra, legacyGroup, windowLegacy, setupLegacy, { stoppedAt: legacyStop, restartedAt: legacyRestart, observedUntil: legacyObserved }, interval)),
      historyEventsPerRun: 0,
      historyEventsPerUserDay: 0,
    };

    // ---- Phase D: capacity of ours at a longer interval
    const capacity: Record<string, unknown>[] = [];
    const skippedForBudget: number[] = [];
    if (opts.capacity) {
      log(`phase D: capacity at ${opts.capacityInterval}s, steps ${opts.capacitySteps.join(', ')}`);
      const capConfig = { ...infra.config, TEMPORAL_TASK_QUEUE: 'bench-capacity' };
      const capWorker = await spawnOurs('bench-capacity');
      let total = 0;
      // Seconds per started job, learnt from phase A, to tell whether the next step still fits the budget.
      let startCost = setupOurs / users;
      for (const [step, target] of opts.capacitySteps.entries()) {
        const add = target - total;
        if (add <= 0) continue;
        const projectedEnd = (Date.now() - began) / 1000 + add * startCost + CAPACITY_SETTLE_MS / 1000 + opts.capacityWindow + 15;
        if (projectedEnd > opts.budget) {
          log(`  step ${target} skipped: it would end at ~${Math.round(projectedEnd)} s, past the ${opts.budget} s budget`);
          skippedForBudget.push(target);
          break;
        }
        const setupAt = Date.now();
        const group = planGroup(`cap-s${step}`, add, opts.capacityInterval, Date.now() + LEAD_MS);
        await seedGroup(infra.pool, group, infra.feed.baseUrl);
        await startOurJobs(client, capConfig, group);
        total = target;
        const startSeconds = (Date.now() - setupAt) / 1000;
        startCost = startSeconds / add;
        // The first workflow task and status write of every new job come in one burst right after the
        // start; the capacity question is the steady state after it.
        await sleepUntil(Date.now() + CAPACITY_SETTLE_MS);
        const devPid = devServerPid(infra);
        const devBefore = devPid ? sampleProc(devPid) : undefined;
        const win = await openWindow(infra, capWorker.pid);
        await sleepUntil(win.from + opts.capacityWindow * SECOND);
        const closed = await win.close();
        const devAfter = devPid ? sampleProc(devPid) : undefined;
        const pgPid = postgresPid(infra);
        const lag = summarizeLag(await fetchRuns(infra.pool, 'cap', closed.from, closed.to - WINDOW_GRACE_MS, 'scheduled'));
        const result = {
          users: total,
          intervalSeconds: opts.capacityInterval,
          windowSeconds: opts.capacityWindow,
          startSeconds,
          lag,
          workerCpuCores: cpuShare(closed.proc.before, closed.proc.after),
          workerRssMb: closed.proc.after ? closed.proc.after.rssBytes / MB : null,
          devServerCpuCores: cpuShare(devBefore, devAfter),
          devServerRssMb: devAfter ? devAfter.rssBytes / MB : null,
          postgresRssMb: pgPid ? treeRss(pgPid) / MB : null,
          postgresConnections: await pgConnections(infra.pool),
        };
        capacity.push(result);
        log(`  ${total} users: p99 ${lag.p99Ms} ms over ${lag.runs} runs`);
        if (!(lag.p99Ms < 1000)) break;
      }
      await capWorker.kill();
    }
    const passing = capacity.filter((c) => ((c.lag as LagSummary).p99Ms < 1000));
    const lastPassing = passing.at(-1);
    const capacityUsers = lastPassing ? (lastPassing.users as number) : null;
    const capacityLimited = capacity.length > passing.length;

    const rows: Row[] = [
      { label: 'runs in lag window', ours: ours.lag.runs, schedules: schedules.lag.runs, legacy: legacyResult.lag.runs, unit: '' },
      { label: 'planned in window, started after it', ours: ours.plannedButNotStartedInWindow, schedules: schedules.plannedButNotStartedInWindow, legacy: legacyResult.plannedButNotStartedInWindow, unit: '' },
      { label: 'lag window (s)', ours: ours.lagWindow.seconds, schedules: schedules.lagWindow.seconds, legacy: legacyResult.lagWindow.seconds, unit: '' },
      { label: 'lag p50', ours: ours.lag.p50Ms, schedules: schedules.lag.p50Ms, legacy: legacyResult.lag.p50Ms, unit: 'ms' },
      { label: 'lag p95', ours: ours.lag.p95Ms, schedules: schedules.lag.p95Ms, legacy: legacyResult.lag.p95Ms, unit: 'ms' },
      { label: 'lag p99', ours: ours.lag.p99Ms, schedules: schedules.lag.p99Ms, legacy: legacyResult.lag.p99Ms, unit: 'ms' },
      { label: 'lag max', ours: ours.lag.maxMs, schedules: schedules.lag.maxMs, legacy: legacyResult.lag.maxMs, unit: 'ms' },
      { label: 'worker/scheduler CPU (cores)', ours: ours.processCpuCores, schedules: schedules.processCpuCores, legacy: legacyResult.processCpuCores, unit: 'cores' },
      { label: 'worker/scheduler RSS', ours: ours.processRssMb, schedules: schedules.processRssMb, legacy: legacyResult.processRssMb, unit: 'MB' },
      { label: 'DB commits per run', ours: ours.dbCommitsPerRun, schedules: schedules.dbCommitsPerRun, legacy: legacyResult.dbCommitsPerRun, unit: '' },
      { label: 'DB row writes per run', ours: ours.dbRowWritesPerRun, schedules: schedules.dbRowWritesPerRun, legacy: legacyResult.dbRowWritesPerRun, unit: '' },
      { label: 'history events per run', ours: ours.historyEventsPerRun, schedules: schedules.historyEventsPerRun, legacy: 0, unit: '' },
      { label: 'history events per user-day', ours: ours.historyEventsPerUserDay, schedules: schedules.historyEventsPerUserDay, legacy: 0, unit: '' },
      { label: 'catch-up: overdue users', ours: ours.catchUp.overdueUsers, schedules: schedules.catchUp.overdueUsers, legacy: legacyResult.catchUp.overdueUsers, unit: '' },
      { label: 'catch-up: caught up', ours: ours.catchUp.caughtUp, schedules: schedules.catchUp.caughtUp, legacy: legacyResult.catchUp.caughtUp, unit: '' },
      { label: 'catch-up: all ran after', ours: ours.catchUp.allCaughtUpAfterMs, schedules: schedules.catchUp.allCaughtUpAfterMs, legacy: legacyResult.catchUp.allCaughtUpAfterMs, unit: 'ms' },
      { label: 'catch-up: duplicate runs', ours: ours.catchUp.duplicates, schedules: schedules.catchUp.duplicates, legacy: legacyResult.catchUp.duplicates, unit: '' },
      { label: 'catch-up: bursts (2 slots < I/2 apart)', ours: ours.catchUp.bursts, schedules: schedules.catchUp.bursts, legacy: legacyResult.catchUp.bursts, unit: '' },
      { label: 'catch-up: slots unrun when watch ended', ours: ours.catchUp.unrunAtEnd, schedules: schedules.catchUp.unrunAtEnd, legacy: legacyResult.catchUp.unrunAtEnd, unit: '' },
      { label: 'catch-up: lost slots (skipped while up)', ours: ours.catchUp.lost, schedules: schedules.catchUp.lost, legacy: legacyResult.catchUp.lost, unit: '' },
      { label: 'catch-up: slots folded into one run', ours: ours.catchUp.folded, schedules: schedules.catchUp.folded, legacy: legacyResult.catchUp.folded, unit: '' },
      { label: 'setup (start jobs) (s)', ours: ours.setupSeconds, schedules: schedules.setupSeconds, legacy: legacyResult.setupSeconds, unit: '' },
    ];
    const totalSeconds = Math.round((Date.now() - began) / 1000);
    const loadAtEnd = os.loadavg();
    process.stdout.write(
      `\nN=${users} users per system, I=${interval} s, outage ${outage} s, catch-up watched ${observe} s; total ${totalSeconds} s; ` +
        `load average ${loadAtStart[0]!.toFixed(1)} at start, ${loadAtEnd[0]!.toFixed(1)} at end on ${os.cpus().length} cores\n\n`,
    );
    process.stdout.write(`${renderTable(rows)}\n\n`);
    if (capacity.length) {
      process.stdout.write(
        `${renderRows(
          `Capacity of ours at I=${opts.capacityInterval} s (${opts.capacityWindow} s per step): ${
            capacityUsers === null ? `below ${opts.capacitySteps[0]} users (no step tried kept p99 < 1 s)` : `${capacityLimited ? '' : '≥ '}${capacityUsers} users with p99 < 1 s`
          }`,
          ['users', 'runs', 'p50 ms', 'p99 ms', 'max ms', 'worker CPU', 'worker MB', 'dev srv CPU', 'dev srv MB', 'pg MB', 'pg conns'],
          capacity.map((c) => {
            const lag = c.lag as LagSummary;
            const n = (v: unknown, digits = 0) => (typeof v === 'number' ? v.toFixed(digits) : 'n/a');
            return [c.users as number, lag.runs, lag.p50Ms, lag.p99Ms, lag.maxMs, n(c.workerCpuCores, 2), n(c.workerRssMb), n(c.devServerCpuCores, 2), n(c.devServerRssMb), n(c.postgresRssMb), c.postgresConnections as number];
          }),
        )}\n`,
      );
    }
    writeJson(opts.out, {
      at: new Date().toISOString(),
      machine: {
        cpu: os.cpus()[0]?.model,
        cores: os.cpus().length,
        memoryGb: Math.round(os.totalmem() / 1024 ** 3),
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        loadAverage1m: { start: loadAtStart[0], end: loadAtEnd[0] },
      },
      options: opts,
      totalSeconds,
      systems: { ours, schedules, legacy: legacyResult },
      capacity: { users: capacityUsers, limited: capacityLimited, steps: capacity, skippedForBudget },
    });
    log(`results written to ${path.relative(process.cwd(), opts.out)}`);
  } finally {
    for (const child of children) await child.kill().catch(() => undefined);
    await infra.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
