// The status API, built as a factory so tests drive it with inject() and main() decides where it listens.
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Prisma } from '../db/prisma.js';

const userParams = z.object({ userId: z.string().trim().min(1).max(200) });

export function buildApp(deps: { prisma: Prisma }): FastifyInstance {
  const app = Fastify({ logger: false });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/jobs/:userId', async (request, reply) => {
    const parsed = userParams.safeParse(request.params);
    if (!parsed.success) return reply.code(400).send({ error: 'userId must be 1 to 200 characters.' });
    const { userId } = parsed.data;
    const settings = await deps.prisma.threatSettings.findUnique({ where: { userId } });
    if (!settings) return reply.code(404).send({ error: `No job for user ${userId}.` });
    const recentRuns = await deps.prisma.scrapeRun.findMany({ where: { userId }, orderBy: { runNumber: 'desc' }, take: 10 });
    return {
      userId,
      enabled: settings.enabled,
      intervalSeconds: settings.intervalSeconds,
      status: settings.jobStatus,
      lastRunAt: settings.lastRunAt,
      nextRunAt: settings.nextRunAt,
      consecutiveFailures: settings.consecutiveFailures,
      lastError: settings.lastError,
      runCount: settings.runCount,
      recentRuns: recentRuns.map((r) => ({
        runNumber: r.runNumber,
        scheduledAt: r.scheduledAt,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        outcome: r.outcome,
        attempts: r.attempts,
        itemsSeen: r.itemsSeen,
        newItems: r.newItems,
        error: r.error,
      })),
    };
  });

  return app;
}
