// The one typed configuration of worker, client, API and tooling. Read from the environment once,
// validated, and failing with a sentence a person understands rather than a stack trace.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from './workflows/keys.js';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The pinned Temporal CLI release: the newest whose go.mod has no `replace` directive. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const nonEmpty = z.string().trim().min(1);

const schema = z
  .object({
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    // Connections each process's Prisma client may hold; the worker needs about one per concurrent activity.
    DATABASE_POOL_SIZE: integer(1, 500).default(20),
    DATA_DIR: nonEmpty.default(path.join(PROJECT_ROOT, '.data')),
    EMBEDDED_PG_PORT: integer(1, 65535).default(54329),

    TEMPORAL_ADDRESS: nonEmpty.optional(),
    TEMPORAL_NAMESPACE: nonEmpty.default('default'),
    TEMPORAL_TASK_QUEUE: nonEmpty.default(DEFAULT_TASK_QUEUE),
    TEMPORAL_CLI_PATH: nonEmpty.optional(),
    TEMPORAL_CLI_CACHE_DIR: nonEmpty.default(path.join(os.homedir(), '.cache', 'auto-scrape-scheduler', 'temporal-cli')),
    TEMPORAL_DEV_PORT: integer(1, 65535).default(7233),
    TEMPORAL_UI_PORT: integer(1, 65535).default(8233),

    API_HOST: nonEmpty.default('127.0.0.1'),
    API_PORT: integer(0, 65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    // Status API. Only the operator token's hash is configured, so the environment never holds a usable secret.
    OPERATOR_TOKEN_HASH: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the operator token, as 64 hex characters')
      .optional(),
    // Readiness and live queries must answer a probe or a person quickly even while Temporal hangs.
    API_READY_TIMEOUT_MS: integer(1).default(3 * SECOND),
    API_LIVE_QUERY_TIMEOUT_MS: integer(1).default(2 * SECOND),

    // Job settings limits: what a user may ask for. Tests lower the minimum to seconds.
    INTERVAL_MIN_SECONDS: integer(1).default(60),
    INTERVAL_MAX_SECONDS: integer(1).default(7 * 24 * 3600),
    DEFAULT_INTERVAL_SECONDS: integer(1).default(3600),
    MAX_CONSECUTIVE_FAILURES: integer(1, 1000).default(5),

    // Scrape activity retry policy (legacy: exponential backoff, 3 attempts).
    SCRAPE_MAX_ATTEMPTS: integer(1, 100).default(3),
    SCRAPE_RETRY_INITIAL_MS: integer(1).default(10 * SECOND),
    SCRAPE_RETRY_BACKOFF: z.coerce.number().min(1).max(10).default(2),
    SCRAPE_RETRY_MAX_INTERVAL_MS: integer(1).default(5 * MINUTE),
    SCRAPE_START_TO_CLOSE_MS: integer(1).default(10 * MINUTE),
    SCRAPE_HEARTBEAT_MS: integer(1).default(2 * MINUTE),

    // Scraping: safety limits and politeness (see src/scrape/options.ts for what each means).
    SCRAPE_CONNECT_TIMEOUT_MS: integer(1).default(10 * SECOND),
    SCRAPE_TOTAL_TIMEOUT_MS: integer(1).default(30 * SECOND),
    SCRAPE_MAX_BYTES: integer(1024).default(5 * 1024 * 1024),
    SCRAPE_MAX_REDIRECTS: integer(0, 20).default(5),
    SCRAPE_USER_AGENT: nonEmpty.optional(),
    SCRAPE_ALLOW_PRIVATE_ADDRESSES: flag.default(false),
    SCRAPE_ALLOWED_PRIVATE_HOSTS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean)),
    SCRAPE_PROXY_URL: z.string().trim().url('must be a URL such as http://proxy:3128').optional(),
    SCRAPE_RESPECT_ROBOTS_TXT: flag.default(true),
    SCRAPE_PER_HOST_SPACING_MS: integer(0).default(1 * SECOND),
    SCRAPE_CONCURRENCY: integer(1, 64).default(4),
    SCRAPE_SOURCE_FAILURE_THRESHOLD: integer(1, 1000).default(5),
    SCRAPE_MAX_RETRY_AFTER_MS: integer(0).default(5 * MINUTE),

    // Status mirror: retried without an attempt limit, so a database outage delays a status but never drops it.
    MIRROR_RETRY_INITIAL_MS: integer(1).default(1 * SECOND),
    MIRROR_RETRY_MAX_INTERVAL_MS: integer(1).default(1 * MINUTE),
    MIRROR_START_TO_CLOSE_MS: integer(1).default(30 * SECOND),

    // History size at which a job continues as new even if the server has not suggested it yet.
    CONTINUE_AS_NEW_AFTER_EVENTS: integer(20).default(10_000),

    // Health check: reconciles the database with the running jobs on a Temporal Schedule.
    HEALTH_CHECK_INTERVAL_SECONDS: integer(10).default(300),
    HEALTH_CHECK_PAGE_SIZE: integer(1, 1000).default(200),

    // Prometheus endpoint of the worker's Temporal runtime (SDK metrics plus the scrape metrics).
    WORKER_METRICS_ADDRESS: nonEmpty.default('127.0.0.1:9464'),

    WORKER_MAX_CACHED_WORKFLOWS: integer(0).default(2000),
    WORKER_MAX_CONCURRENT_ACTIVITIES: integer(1).default(50),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: integer(1).default(40),
    WORKER_SHUTDOWN_GRACE_MS: integer(0).default(30 * SECOND),

    CI: flag.optional(),
  })
  // Temporal rejects such a retry policy when the activity is scheduled, which would wedge every job.
  .refine((c) => c.SCRAPE_RETRY_INITIAL_MS <= c.SCRAPE_RETRY_MAX_INTERVAL_MS, {
    message: 'SCRAPE_RETRY_INITIAL_MS must not exceed SCRAPE_RETRY_MAX_INTERVAL_MS',
  })
  .refine((c) => c.MIRROR_RETRY_INITIAL_MS <= c.MIRROR_RETRY_MAX_INTERVAL_MS, {
    message: 'MIRROR_RETRY_INITIAL_MS must not exceed MIRROR_RETRY_MAX_INTERVAL_MS',
  })
  .refine((c) => c.INTERVAL_MIN_SECONDS <= c.INTERVAL_MAX_SECONDS, {
    message: 'INTERVAL_MIN_SECONDS must not exceed INTERVAL_MAX_SECONDS',
  })
  .refine((c) => c.DEFAULT_INTERVAL_SECONDS >= c.INTERVAL_MIN_SECONDS && c.DEFAULT_INTERVAL_SECONDS <= c.INTERVAL_MAX_SECONDS, {
    message: 'DEFAULT_INTERVAL_SECONDS must lie between INTERVAL_MIN_SECONDS and INTERVAL_MAX_SECONDS',
  });

export type Config = z.infer<typeof schema>;

/** Every variable the code reads, with its rule and default: deployment files are checked against it. */
export const configSchema = schema;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Empty strings count as unset, so `FOO= npm start` behaves like leaving FOO out. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}. Fix the environment variable(s) and try again.`);
  }
  return parsed.data;
}
