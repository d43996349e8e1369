// The operator's view of the whole scheduler: every job, filtered, and the overview of what needs attention.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JOB_SUMMARY_FIELDS, listJobs } from '../../jobs/service.js';
import type { Prisma } from '../../db/prisma.js';
import { requireOperator } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { errorResponses } from '../openapi.js';
import { jobList, listQuery, overview, overviewQuery } from '../schemas.js';


type SummaryRow = Awaited<ReturnType<typeof listJobs>>[number];

export function toSummary({ jobStatus, ...rest }: SummaryRow) {
  return { ...rest, status: jobStatus };
}

/** Counts per status; rows whose job never reported one are `not_started`. Shared with the metrics gauge. */
export async function countJobsByStatus(prisma: Prisma): Promise<Record<string, number>> {
  const groups = await prisma.threatSettings.groupBy({ by: ['jobStatus'], _count: { _all: true } });
  return Object.fromEntries(groups.map((g) => [g.jobStatus ?? 'not_started', g._count._all]));
}

export const overdueWhere = (thresholdSeconds: number, now = Date.now()) => ({
  enabled: true,
  nextRunAt: { lt: new Date(now - thresholdSeconds * 1000) },
});

// The health check's own errors column is free-form JSON; show what has the documented shape.
const reportErrors = z.array(z.object({ userId: z.string().optional(), error: z.string() }));

export function operatorRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('preHandler', async (request) => requireOperator(request));

    app.get(
      '/jobs',
      { schema: { summary: 'Every job, filtered by status or lateness (operator)', querystring: listQuery, response: { 200: jobList, ...errorResponses(400, 401, 403) } } },
      async (request) => {
        const jobs = await listJobs(deps, request.query);
        return { jobs: jobs.map(toSummary) };
      },
    );

    app.get(
      '/overview',
      {
        schema: {
          summary: 'Counts per status, overdue and disabled jobs, the last health check (operator)',
          querystring: overviewQuery,
          response: { 200: overview, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { overdueBySeconds, limit } = request.query;
        const overdue = overdueWhere(overdueBySeconds);
        const disabled = { jobStatus: 'disabled_due_to_failures' as const };
        const [countsByStatus, overdueCount, overdueJobs, disabledCount, disabledJobs, paused, lastReport] = await Promise.all([
          countJobsByStatus(deps.prisma),
          deps.prisma.threatSettings.count({ where: overdue }),
          deps.prisma.threatSettings.findMany({ where: overdue, orderBy: { nextRunAt: 'asc' }, take: limit, select: JOB_SUMMARY_FIELDS }),
          deps.prisma.threatSettings.count({ where: disabled }),
          deps.prisma.threatSettings.findMany({ where: disabled, orderBy: { userId: 'asc' }, take: limit, select: JOB_SUMMARY_FIELDS }),
          deps.prisma.threatSettings.count({ where: { enabled: false } }),
          deps.prisma.healthCheckReport.findFirst({ orderBy: { startedAt: 'desc' } }),
        ]);
        const parsedErrors = reportErrors.safeParse(lastReport?.errors ?? []);
        return {
          totalJobs: Object.values(countsByStatus).reduce((a, b) => a + b, 0),
          countsByStatus,
          overdue: { count: overdueCount, thresholdSeconds: overdueBySeconds, jobs: overdueJobs.map(toSummary) },
          disabled: { count: disabledCount, jobs: disabledJobs.map(toSummary) },
          paused,
          lastHealthCheck: lastReport && { ...lastReport, errors: parsedErrors.success ? parsedErrors.data : [] },
        };
      },
    );
  };
}
