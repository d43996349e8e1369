// Probes: liveness touches nothing (a slow database must not get the process restarted); readiness
// checks both dependencies and names the one that failed, never its error text.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps.js';

const readiness = z.object({
  ready: z.boolean(),
  checks: z.object({ postgres: z.enum(['ok', 'failed']), temporal: z.enum(['ok', 'failed']) }),
  error: z.string().optional(),
});

function withTimeout(ms: number, what: string, work: () => Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work(), timeout]).finally(() => clearTimeout(timer));
}

function temporalCheck(deps: ApiDeps): () => Promise<unknown> {
  if (deps.checkTemporal) return deps.checkTemporal;
  const client = deps.client;
  if (!client) return () => Promise.reject(new Error('no Temporal client configured'));
  return () => client.workflowService.getSystemInfo({});
}

export function healthRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const publicRoute = { config: { public: true } } as const;

    app.get('/healthz', { ...publicRoute, schema: { summary: 'Liveness', security: [], response: { 200: z.object({ ok: z.literal(true) }) } } }, async () => ({
      ok: true as const,
    }));

    app.get(
      '/readyz',
      { ...publicRoute, schema: { summary: 'Readiness: Postgres and Temporal', security: [], response: { 200: readiness, 503: readiness } } },
      async (request, reply) => {
        const timeoutMs = deps.config.API_READY_TIMEOUT_MS;
        const [postgres, temporal] = await Promise.allSettled([
          withTimeout(timeoutMs, 'Postgres', () => deps.prisma.$queryRaw`SELECT 1`),
          withTimeout(timeoutMs, 'Temporal', temporalCheck(deps)),
        ]);
        for (const [name, result] of [['postgres', postgres], ['temporal', temporal]] as const) {
          if (result.status === 'rejected') request.log.warn({ err: result.reason, dependency: name }, 'readiness check failed');
        }
        const checks = { postgres: postgres.status === 'fulfilled' ? 'ok' : 'failed', temporal: temporal.status === 'fulfilled' ? 'ok' : 'failed' } as const;
        const ready = checks.postgres === 'ok' && checks.temporal === 'ok';
        if (ready) return { ready, checks };
        const failed = Object.entries(checks).filter(([, v]) => v === 'failed').map(([k]) => k);
        return reply.code(503).send({ ready, checks, error: `Not ready: ${failed.join(' and ')} unavailable.` });
      },
    );
  };
}
