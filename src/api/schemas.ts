// Request and response shapes. Zod validates requests and filters responses (a field not listed here
// never leaves the API), and the same schemas become the OpenAPI description.
import { z } from 'zod';
import type { Config } from '../config.js';
import { JOB_STATUSES } from '../workflows/job-state.js';

// The user-id rule of src/jobs/service.ts (assertUserId), so a bad id is a 400 before any lookup.
export const userIdParams = z.strictObject({
  userId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,199}$/, 'must be 1 to 200 letters, digits or . _ @ - starting with a letter or digit'),
});

export const jobStatus = z.enum(JOB_STATUSES);

const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const jobQuery = z.strictObject({
  runs: z.coerce.number().int().min(0).max(100).default(10).describe('How many recent runs to include.'),
  items: z.coerce.number().int().min(0).max(100).default(20).describe('How many recent threat items to include.'),
  live: boolString.default(false).describe("Also ask the running workflow for its state (needs Temporal and the worker; bounded by API_LIVE_QUERY_TIMEOUT_MS)."),
});

export function settingsBody(config: Config) {
  return z
    .strictObject({
      intervalSeconds: z.number().int().min(config.INTERVAL_MIN_SECONDS).max(config.INTERVAL_MAX_SECONDS).optional(),
      enabled: z.boolean().optional(),
    })
    .refine((b) => b.intervalSeconds !== undefined || b.enabled !== undefined, 'give intervalSeconds and/or enabled');
}

export const listQuery = z.strictObject({
  status: jobStatus.optional(),
  overdueBySeconds: z.coerce.number().int().min(0).optional().describe('Only enabled jobs whose next run is more than this many seconds late.'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const overviewQuery = z.strictObject({
  overdueBySeconds: z.coerce.number().int().min(0).default(60).describe('How late a next run must be to count as overdue.'),
  limit: z.coerce.number().int().min(1).max(1000).default(50).describe('How many overdue and disabled jobs to list.'),
});

const timestamp = z.date().nullable();

export const jobSummary = z
  .object({
    userId: z.string(),
    enabled: z.boolean(),
    intervalSeconds: z.number(),
    status: jobStatus.nullable().describe('null until the job has started once.'),
    lastRunAt: timestamp,
    nextRunAt: timestamp,
    consecutiveFailures: z.number(),
    lastError: z.string().nullable(),
    runCount: z.number(),
  });

export const scrapeRun = z.object({
  runNumber: z.number(),
  scheduledAt: z.date(),
  startedAt: z.date(),
  finishedAt: timestamp,
  outcome: z.enum(['running', 'success', 'failure']),
  attempts: z.number(),
  itemsSeen: z.number(),
  newItems: z.number(),
  error: z.string().nullable(),
});

export const threatItem = z.object({
  url: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  publishedAt: timestamp,
  matchedKeywords: z.array(z.string()),
  firstSeenAt: z.date(),
});

const liveState = z.object({
  status: jobStatus,
  intervalSeconds: z.number(),
  enabled: z.boolean(),
  lastRunAt: z.number().optional().describe('Epoch milliseconds.'),
  nextRunAt: z.number().optional().describe('Epoch milliseconds.'),
  consecutiveFailures: z.number(),
  runCount: z.number(),
  runNowRequested: z.boolean(),
  historyLength: z.number(),
});

export const jobDetail = jobSummary
  .extend({
    keywords: z.array(z.string()),
    jobUpdatedAt: timestamp,
    recentRuns: z.array(scrapeRun),
    recentItems: z.array(threatItem),
    live: liveState.optional().describe('Present when live=true and the workflow answered.'),
    liveError: z.string().optional().describe('Why live is missing when live=true.'),
  });

export const delivery = z
  .enum(['signalled', 'started', 'not_running', 'temporal_unavailable'])
  .describe('What happened after the database was written: the health check applies anything not delivered.');

export const settingsResult = z.object({
  userId: z.string(),
  settings: z.object({ intervalSeconds: z.number(), enabled: z.boolean() }),
  delivery,
});

export const runNowResult = z.object({ userId: z.string(), delivery });

export const jobList = z.object({ jobs: z.array(jobSummary) });

export const healthCheckReport = z.object({
  startedAt: z.date(),
  finishedAt: timestamp,
  checked: z.number(),
  started: z.number(),
  resynced: z.number(),
  stopped: z.number(),
  errorCount: z.number(),
  errors: z.array(z.object({ userId: z.string().optional(), error: z.string() })).describe('The first errors of that pass.'),
});

export const overview = z.object({
  totalJobs: z.number(),
  countsByStatus: z.record(z.string(), z.number()).describe('Jobs per status; not_started counts rows whose job never reported a status.'),
  overdue: z.object({ count: z.number(), thresholdSeconds: z.number(), jobs: z.array(jobSummary) }),
  disabled: z.object({ count: z.number(), jobs: z.array(jobSummary) }).describe('Jobs that disabled themselves after consecutive failures.'),
  paused: z.number().describe('Jobs a user switched off.'),
  lastHealthCheck: healthCheckReport.nullable(),
});
