// Prometheus metrics of the API, on GET /metrics behind the operator token (Prometheus sends it with
// `authorization: { credentials: ... }`): job counts reveal the user base, so they are not public.
// A registry per app, not prom-client's global one, so several apps in one process (tests) never clash.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JOB_STATUSES } from '../workflows/job-state.js';
import { requireOperator } from './auth.js';
import type { ApiDeps } from './deps.js';
import { countJobsByStatus, overdueWhere } from './routes/operator.js';

/** Grace before an enabled job whose next run has passed counts as overdue in the gauge. */
const OVERDUE_GRACE_SECONDS = 60;

export interface ApiMetrics {
  registry: Registry;
  /** Reads the job gauges from the database; run before each scrape so they are as fresh as the table. */
  refreshJobGauges(): Promise<void>;
}

export function createMetrics(deps: ApiDeps): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const collectFailures = new Counter({
    name: 'auto_scrape_api_metrics_collect_failures_total',
    help: 'Scrapes of /metrics whose job gauges could not be read from the database.',
    registers: [registry],
  });
  const jobs = new Gauge({
    name: 'auto_scrape_jobs',
    help: 'Jobs per status, from threat_settings (not_started: never reported a status).',
    labelNames: ['status'],
    registers: [registry],
  });
  const overdue = new Gauge({
    name: 'auto_scrape_jobs_overdue',
    help: `Enabled jobs whose next run is more than ${OVERDUE_GRACE_SECONDS} s late.`,
    registers: [registry],
  });

  return {
    registry,
    async refreshJobGauges() {
      // While the database is down the gauges are emptied rather than left stale; the counter says why.
      jobs.reset();
      overdue.reset();
      try {
        const [counts, late] = await Promise.all([
          countJobsByStatus(deps.prisma),
          deps.prisma.threatSettings.count({ where: overdueWhere(OVERDUE_GRACE_SECONDS) }),
        ]);
        for (const status of [...JOB_STATUSES, 'not_started']) jobs.set({ status }, counts[status] ?? 0);
        overdue.set(late);
      } catch (error) {
        collectFailures.inc();
        deps.logger?.warn({ err: error }, 'could not read job counts for /metrics');
      }
    },
  };
}

export function registerMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  const { registry } = metrics;
  const requests = new Counter({
    name: 'auto_scrape_api_http_requests_total',
    help: 'HTTP requests answered by the status API.',
    labelNames: ['method', 'route', 'status_code'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'auto_scrape_api_http_request_duration_seconds',
    help: 'Time to answer an HTTP request of the status API.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL: user ids in paths would make one series per user.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
    requests.inc(labels);
    durations.observe(labels, reply.elapsedTime / 1000);
  });

  app.register(async (scope) => {
    scope.get(
      '/metrics',
      { schema: { summary: 'Prometheus metrics (operator)', description: 'Prometheus text format: HTTP requests and durations, jobs per status, overdue jobs.' } },
      async (request, reply) => {
        requireOperator(request);
        await metrics.refreshJobGauges();
        return reply.type(registry.contentType).send(await registry.metrics());
      },
    );
  });
}
