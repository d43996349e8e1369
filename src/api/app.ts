// The status API, built as a factory so tests drive it with inject() and main() decides where it listens.
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerAuth } from './auth.js';
import type { ApiDeps } from './deps.js';
import { registerErrorHandling } from './errors.js';
import { createMetrics, registerMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { operatorRoutes } from './routes/operator.js';

export type { ApiDeps } from './deps.js';

export function buildApp(deps: ApiDeps): FastifyInstance {
  // Typed as the base logger so the instance keeps Fastify's default generics, which plugins expect.
  const loggerInstance: FastifyBaseLogger | undefined = deps.logger?.child({ component: 'api' });
  // User ids may be 200 characters; Fastify's default 100 would answer longer path parameters with 414.
  const options = {
    routerOptions: { maxParamLength: 256 },
    // Errors the router raises before any route or hook (overlong parameter, malformed URL encoding).
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      void reply.code(error.statusCode ?? 400).send({ error: error.message });
    },
  };
  const app = loggerInstance ? Fastify({ ...options, loggerInstance }) : Fastify({ ...options, logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerAuth(app, deps);
  // Plugins load in order: the OpenAPI collector first, so it sees every route after it.
  registerOpenApi(app);
  registerMetrics(app, createMetrics(deps));
  app.register(healthRoutes(deps));
  app.register(jobRoutes(deps));
  app.register(operatorRoutes(deps));
  return app;
}
