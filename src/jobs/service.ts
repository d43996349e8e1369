// What people do to jobs, in one place: the client script and the status API both call these, so a
// settings change always writes the database first and then tells the workflow.
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Prisma } from '../db/prisma.js';
import { jobLimitsFrom, startAutoScrape } from '../client/jobs.js';
import { InvalidSettingsError, JOB_STATUSES, validateSettingsPatch, type JobStatus, type SettingsPatch } from '../workflows/job-state.js';
import { autoScrapeWorkflowId } from '../workflows/keys.js';
import { getStateQuery, reEnableSignal, runNowSignal, syncSettingsSignal, type JobView } from '../workflows/messages.js';
import { JobError } from './errors.js';

export interface JobDeps {
  prisma: Prisma;
  config: Config;
  /** Absent when Temporal is not reachable: reads still work, changes wait for the health check. */
  client?: Client;
}

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,199}$/;

export function assertUserId(userId: unknown): string {
  if (typeof userId !== 'string' || !USER_ID.test(userId)) {
    throw new JobError('invalid', `User id must be 1 to 200 letters, digits or . _ @ - (starting with a letter or digit), got ${JSON.stringify(userId)}.`);
  }
  return userId;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

async function settingsRow(deps: JobDeps, userId: string) {
  const row = await deps.prisma.threatSettings.findUnique({ where: { userId: assertUserId(userId) } });
  if (!row) throw new JobError('not_found', `No user ${userId}: there is no threat_settings row for it.`);
  return row;
}

function requireClient(deps: JobDeps): Client {
  if (!deps.client) throw new JobError('unavailable', 'The Temporal server is not reachable; try again when it is.');
  return deps.client;
}

/** Outcome of telling the workflow; the database change stands either way and the health check converges it. */
export type Delivery = 'signalled' | 'started' | 'not_running' | 'temporal_unavailable';

async function deliver(deps: JobDeps, send: (client: Client) => Promise<void>): Promise<Delivery> {
  if (!deps.client) return 'temporal_unavailable';
  try {
    await send(deps.client);
    return 'signalled';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'not_running';
    return 'temporal_unavailable';
  }
}

export const SOURCE_KINDS = ['rss', 'atom', 'html'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface NewUser {
  userId: string;
  intervalSeconds?: number;
  enabled?: boolean;
  keywords?: string[];
  sources?: { url: string; kind: SourceKind; selectors?: Record<string, string> }[];
}

/** Adds a user with settings and sources, and returns the API token (shown once; only its hash is kept). */
export async function addUser(deps: JobDeps, input: NewUser): Promise<{ userId: string; apiToken: string }> {
  const userId = assertUserId(input.userId);
  const limits = jobLimitsFrom(deps.config);
  const intervalSeconds = input.intervalSeconds ?? deps.config.DEFAULT_INTERVAL_SECONDS;
  try {
    validateSettingsPatch({ intervalSeconds, enabled: input.enabled ?? true }, limits);
  } catch (error) {
    throw new JobError('invalid', (error as Error).message);
  }
  const seen = new Set<string>();
  for (const source of input.sources ?? []) {
    // Checked here, not left to the database: an unknown kind or a repeated URL would otherwise surface as
    // a driver error or be misreported as "user already exists" (the unique index on user and URL).
    if (!(SOURCE_KINDS as readonly string[]).includes(source.kind)) {
      throw new JobError('invalid', `Unknown source kind ${JSON.stringify(source.kind)}; use one of ${SOURCE_KINDS.join(', ')}.`);
    }
    if (seen.has(source.url)) throw new JobError('invalid', `Source URL ${source.url} is given twice.`);
    seen.add(source.url);
    let url: URL;
    try {
      url = new URL(source.url);
    } catch {
      throw new JobError('invalid', `Source URL ${JSON.stringify(source.url)} is not a valid URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new JobError('invalid', `Source URL ${source.url} must be http or https.`);
  }
  const apiToken = `ast_${randomBytes(24).toString('base64url')}`;
  try {
    await deps.prisma.threatSettings.create({
      data: {
        userId,
        intervalSeconds,
        enabled: input.enabled ?? true,
        keywords: input.keywords ?? [],
        apiTokenHash: hashToken(apiToken),
        sources: { create: (input.sources ?? []).map((s) => ({ url: s.url, kind: s.kind, selectors: s.selectors })) },
      },
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'P2002') throw new JobError('conflict', `User ${userId} already exists.`);
    throw error;
  }
  return { userId, apiToken };
}

/** Starts the user's job from its database row; a no-op when it is already running. */
export async function startJob(deps: JobDeps, userId: string): Promise<{ workflowId: string; runId: string }> {
  const row = await settingsRow(deps, userId);
  const handle = await startAutoScrape(requireClient(deps), deps.config, {
    userId: row.userId,
    settings: { intervalSeconds: row.intervalSeconds, enabled: row.enabled },
    lastRunAt: row.lastRunAt,
  });
  return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
}

/** Validates, writes the user's settings, then signals the job (starting it if it should run and does not). */
export async function changeSettings(deps: JobDeps, userId: string, patch: unknown): Promise<{ settings: { intervalSeconds: number; enabled: boolean }; delivery: Delivery }> {
  let valid: SettingsPatch;
  try {
    valid = validateSettingsPatch(patch, jobLimitsFrom(deps.config));
  } catch (error) {
    if (error instanceof InvalidSettingsError) throw new JobError('invalid', error.message);
    throw error;
  }
  await settingsRow(deps, userId);
  const row = await deps.prisma.threatSettings.update({ where: { userId }, data: valid });
  const settings = { intervalSeconds: row.intervalSeconds, enabled: row.enabled };
  let delivery = await deliver(deps, (client) => client.workflow.getHandle(autoScrapeWorkflowId(userId)).signal(syncSettingsSignal, valid));
  if (delivery === 'not_running' && row.enabled) {
    await startJob(deps, userId);
    delivery = 'started';
  }
  return { settings, delivery };
}

export const pauseJob = (deps: JobDeps, userId: string) => changeSettings(deps, userId, { enabled: false });
export const resumeJob = (deps: JobDeps, userId: string) => changeSettings(deps, userId, { enabled: true });

/** Lifts a failure lock-out: the user's settings say enabled, and the job resets its failure count. */
export async function reEnableJob(deps: JobDeps, userId: string): Promise<{ delivery: Delivery }> {
  await settingsRow(deps, userId);
  await deps.prisma.threatSettings.update({ where: { userId }, data: { enabled: true } });
  const delivery = await deliver(deps, (client) => client.workflow.getHandle(autoScrapeWorkflowId(userId)).signal(reEnableSignal));
  if (delivery === 'not_running') {
    await startJob(deps, userId);
    return { delivery: 'started' };
  }
  return { delivery };
}

export async function runJobNow(deps: JobDeps, userId: string): Promise<{ delivery: Delivery }> {
  const row = await settingsRow(deps, userId);
  if (!row.enabled) throw new JobError('conflict', `The job of ${userId} is paused; resume it before asking for a run.`);
  const client = requireClient(deps);
  const delivery = await deliver(deps, (c) => c.workflow.getHandle(autoScrapeWorkflowId(userId)).signal(runNowSignal));
  if (delivery === 'not_running') {
    // A job that is not running starts with a run right away when it never ran; otherwise ask it once started.
    await startJob({ ...deps, client }, userId);
    await client.workflow.getHandle(autoScrapeWorkflowId(userId)).signal(runNowSignal);
    return { delivery: 'started' };
  }
  if (delivery === 'temporal_unavailable') throw new JobError('unavailable', 'The Temporal server is not reachable; the run was not requested.');
  return { delivery };
}

/** Stops the job for good: settings disabled (so the health check leaves it stopped) and the workflow ended. */
export async function stopJob(deps: JobDeps, userId: string, reason = 'stopped by an operator'): Promise<{ wasRunning: boolean }> {
  await settingsRow(deps, userId);
  const client = requireClient(deps);
  await deps.prisma.threatSettings.update({ where: { userId }, data: { enabled: false, jobStatus: 'paused', nextRunAt: null } });
  try {
    await client.workflow.getHandle(autoScrapeWorkflowId(userId)).terminate(reason);
    return { wasRunning: true };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { wasRunning: false };
    throw error;
  }
}

export interface JobStatusReport {
  userId: string;
  settings: { intervalSeconds: number; enabled: boolean; keywords: string[] };
  /** As mirrored into the database. */
  stored: {
    status: string | null;
    lastRunAt: Date | null;
    nextRunAt: Date | null;
    consecutiveFailures: number;
    lastError: string | null;
    runCount: number;
    updatedAt: Date | null;
  };
  /** From the workflow itself; undefined when it is not running or Temporal is unreachable. */
  live?: JobView;
  liveError?: string;
}

export async function jobStatus(deps: JobDeps, userId: string): Promise<JobStatusReport> {
  const row = await settingsRow(deps, userId);
  const report: JobStatusReport = {
    userId,
    settings: { intervalSeconds: row.intervalSeconds, enabled: row.enabled, keywords: row.keywords },
    stored: {
      status: row.jobStatus,
      lastRunAt: row.lastRunAt,
      nextRunAt: row.nextRunAt,
      consecutiveFailures: row.consecutiveFailures,
      lastError: row.lastError,
      runCount: row.runCount,
      updatedAt: row.jobUpdatedAt,
    },
  };
  if (!deps.client) {
    report.liveError = 'Temporal is not reachable';
    return report;
  }
  try {
    report.live = await deps.client.workflow.getHandle(autoScrapeWorkflowId(userId)).query(getStateQuery);
  } catch (error) {
    report.liveError = error instanceof WorkflowNotFoundError ? 'no running workflow' : (error as Error).message.split('\n')[0];
  }
  return report;
}

/** The columns of a job that lists show (the CLI's `list`, the API's `/jobs` and `/overview`). */
export const JOB_SUMMARY_FIELDS = {
  userId: true,
  enabled: true,
  intervalSeconds: true,
  jobStatus: true,
  lastRunAt: true,
  nextRunAt: true,
  consecutiveFailures: true,
  lastError: true,
  runCount: true,
} as const;

/** The columns of a scrape run that people read; no id, a BigInt that JSON cannot carry. */
export const RUN_FIELDS = {
  runNumber: true,
  scheduledAt: true,
  startedAt: true,
  finishedAt: true,
  outcome: true,
  attempts: true,
  itemsSeen: true,
  newItems: true,
  error: true,
} as const;

export interface ListFilter {
  status?: string;
  /** Enabled jobs whose next run is more than this many seconds late. */
  overdueBySeconds?: number;
  limit?: number;
}

export async function listJobs(deps: JobDeps, filter: ListFilter = {}) {
  if (filter.status !== undefined && !JOB_STATUSES.includes(filter.status as JobStatus)) {
    throw new JobError('invalid', `Unknown status ${JSON.stringify(filter.status)}; use one of ${JOB_STATUSES.join(', ')}.`);
  }
  if (filter.overdueBySeconds !== undefined && !(Number.isFinite(filter.overdueBySeconds) && filter.overdueBySeconds >= 0)) {
    throw new JobError('invalid', 'The overdue threshold must be a number of seconds, 0 or more.');
  }
  const now = Date.now();
  return deps.prisma.threatSettings.findMany({
    where: {
      ...(filter.status && { jobStatus: filter.status as JobStatus }),
      ...(filter.overdueBySeconds !== undefined && { enabled: true, nextRunAt: { lt: new Date(now - filter.overdueBySeconds * 1000) } }),
    },
    orderBy: { userId: 'asc' },
    take: filter.limit ?? 1000,
    select: JOB_SUMMARY_FIELDS,
  });
}

/** The user's latest runs from scrape_runs, newest first. */
export async function recentRuns(deps: JobDeps, userId: string, limit = 10) {
  return deps.prisma.scrapeRun.findMany({
    where: { userId: assertUserId(userId) },
    orderBy: [{ scheduledAt: 'desc' }, { id: 'desc' }],
    take: limit,
    select: RUN_FIELDS,
  });
}
