// Who is asking. A bearer token is either the operator's (its hash is configured) or a user's (its hash
// is in threat_settings.api_token_hash). Decisions, the same on every route:
//   401  no token, a malformed Authorization header, or a token nobody holds;
//   403  a user token on an operator-only route (those routes are public knowledge, see /openapi.json);
//   404  a user token asking for another user's job, worded exactly like a job that does not exist, so
//        a token never reveals which other users exist.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashToken } from '../jobs/service.js';
import type { ApiDeps } from './deps.js';
import { HttpError } from './errors.js';

export type Principal = { kind: 'operator' } | { kind: 'user'; userId: string };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a token (probes, the OpenAPI description). */
    public?: boolean;
  }
}

// Long enough for any token we issue, short enough that nobody makes us hash megabytes.
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

export const noJobMessage = (userId: string) => `No job for user ${userId}.`;

function isOperatorHash(config: ApiDeps['config'], hash: string): boolean {
  if (!config.OPERATOR_TOKEN_HASH) return false;
  return timingSafeEqual(Buffer.from(hash, 'hex'), Buffer.from(config.OPERATOR_TOKEN_HASH, 'hex'));
}

async function authenticate(deps: ApiDeps, header: string | undefined): Promise<Principal> {
  if (header === undefined) throw new HttpError(401, 'Authentication required: send Authorization: Bearer <token>.');
  const match = BEARER.exec(header);
  if (!match) throw new HttpError(401, 'Malformed Authorization header: expected Bearer <token>.');
  const hash = hashToken(match[1]!);
  if (isOperatorHash(deps.config, hash)) return { kind: 'operator' };
  const row = await deps.prisma.threatSettings.findUnique({ where: { apiTokenHash: hash }, select: { userId: true } });
  if (!row) throw new HttpError(401, 'Invalid token.');
  return { kind: 'user', userId: row.userId };
}

export function registerAuth(app: FastifyInstance, deps: ApiDeps): void {
  app.decorateRequest('principal', null);
  // onRequest runs before body parsing and validation: an anonymous caller learns nothing about inputs.
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.public) return;
    try {
      request.principal = await authenticate(deps, request.headers.authorization);
    } catch (error) {
      if (error instanceof HttpError && error.statusCode === 401) reply.header('www-authenticate', 'Bearer');
      throw error;
    }
  });
}

/** The principal of an authenticated route (the onRequest hook guarantees one). */
function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpError(401, 'Authentication required: send Authorization: Bearer <token>.');
  return request.principal;
}

export function requireOperator(request: FastifyRequest): void {
  if (principalOf(request).kind !== 'operator') throw new HttpError(403, 'This route needs the operator token.');
}

/** Lets the operator reach any job and a user only their own; anything else looks like a missing job. */
export function requireJobAccess(request: FastifyRequest, userId: string): void {
  const principal = principalOf(request);
  if (principal.kind === 'operator' || principal.userId === userId) return;
  throw new HttpError(404, noJobMessage(userId));
}
