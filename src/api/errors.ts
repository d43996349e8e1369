// One error shape, `{ error }`, for every failure: job errors by kind, validation, and everything else
// as a bare 500 so no stack, SQL or internal message ever reaches a caller.
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { JobError, type JobErrorKind } from '../jobs/errors.js';

export const errorBody = z.object({ error: z.string() });

const STATUS_OF: Record<JobErrorKind, number> = { invalid: 400, not_found: 404, conflict: 409, unavailable: 503 };

/** Raised by routes and hooks for an answer that is not a job error (auth, missing resources). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) return reply.code(error.statusCode).send({ error: error.message });
    if (error instanceof JobError) return reply.code(STATUS_OF[error.kind]).send({ error: error.message });
    if (hasZodFastifySchemaValidationErrors(error)) return reply.code(400).send({ error: `Invalid request: ${error.message}.` });
    // Fastify's own client errors (bad JSON, wrong content type, body too large) carry safe messages.
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'Internal server error.' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'Not found.' }));
}
