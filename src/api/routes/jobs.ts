// One user's job: its status from the database (Temporal optional), and the two things a user may do
// to it. Changes go through src/jobs/service.ts, the code path the client script uses too.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { JobError } from '../../jobs/errors.js';
import type { JobStatus } from '../../workflows/job-state.js';
import { changeSettings, jobStatus as readJobStatus, RUN_FIELDS, runJobNow, type JobStatusReport } from '../../jobs/service.js';
import { noJobMessage, requireJobAccess } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { HttpError } from '../errors.js';
import { jobDetail, jobQuery, runNowResult, settingsBody, settingsResult, userIdParams } from '../schemas.js';
import { errorResponses } from '../openapi.js';

const itemFields = { url: true, title: true, summary: true, publishedAt: true, matchedKeywords: true, firstSeenAt: true } as const;

/** Words a missing job the same whoever asks, so the operator's and a user's 404 look alike. */
async function orNoJob<T>(userId: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof JobError && error.kind === 'not_found') throw new HttpError(404, noJobMessage(userId));
    throw error;
  }
}

export function jobRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // The database answers every status read; the workflow is asked only on request, with a deadline,
    // so a stopped worker or an unreachable Temporal never slows or fails a read.
    async function report(userId: string, live: boolean): Promise<JobStatusReport> {
      if (live && deps.client) {
        const client = deps.client;
        return client.withDeadline(Date.now() + deps.config.API_LIVE_QUERY_TIMEOUT_MS, () => readJobStatus({ ...deps, client }, userId));
      }
      const result = await readJobStatus({ ...deps, client: undefined }, userId);
      if (!live) delete result.liveError;
      return result;
    }

    app.get(
      '/jobs/:userId',
      {
        schema: {
          summary: "A user's job: status, last and next run, failures, recent runs and threat items",
          params: userIdParams,
          querystring: jobQuery,
          response: { 200: jobDetail, ...errorResponses(400, 401, 404) },
        },
      },
      async (request) => {
        const { userId } = request.params;
        requireJobAccess(request, userId);
        const { runs, items, live } = request.query;
        const [status, recentRuns, recentItems] = await Promise.all([
          orNoJob(userId, report(userId, live)),
          deps.prisma.scrapeRun.findMany({ where: { userId }, orderBy: { runNumber: 'desc' }, take: runs, select: RUN_FIELDS }),
          deps.prisma.threatItem.findMany({ where: { userId }, orderBy: [{ firstSeenAt: 'desc' }, { id: 'desc' }], take: items, select: itemFields }),
        ]);
        return {
          userId,
          enabled: status.settings.enabled,
          intervalSeconds: status.settings.intervalSeconds,
          keywords: status.settings.keywords,
          ...status.stored,
          // The database enum and JOB_STATUSES are the same list; the response schema checks it again.
          status: status.stored.status as JobStatus | null,
          jobUpdatedAt: status.stored.updatedAt,
          recentRuns,
          recentItems,
          live: status.live,
          liveError: status.liveError,
        };
      },
    );

    app.patch(
      '/jobs/:userId/settings',
      {
        schema: {
          summary: "Change a user's interval and/or enabled flag (database first, then the workflow)",
          description: '200 when the workflow got the change (or was started with it); 202 when only the database changed and the health check will apply it.',
          params: userIdParams,
          body: settingsBody(deps.config),
          response: { 200: settingsResult, 202: settingsResult, ...errorResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const { userId } = request.params;
        requireJobAccess(request, userId);
        const result = await orNoJob(userId, changeSettings(deps, userId, request.body));
        const applied = result.delivery === 'signalled' || result.delivery === 'started';
        return reply.code(applied ? 200 : 202).send({ userId, ...result });
      },
    );

    app.post(
      '/jobs/:userId/run-now',
      {
        schema: {
          summary: "Ask a user's job to run at once; the cadence continues from that run",
          params: userIdParams,
          response: { 202: runNowResult, ...errorResponses(400, 401, 404, 409, 503) },
        },
      },
      async (request, reply) => {
        const { userId } = request.params;
        requireJobAccess(request, userId);
        const result = await orNoJob(userId, runJobNow(deps, userId));
        return reply.code(202).send({ userId, ...result });
      },
    );
  };
}
