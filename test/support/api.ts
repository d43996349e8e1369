// What the status API tests share: an app built by the factory over a test database, users with real
// tokens (made by the same addUser the CLI uses), the operator token, and inject() with a bearer.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import type { Config } from '../../src/config.js';
import type { Prisma } from '../../src/db/prisma.js';
import { addUser, hashToken, type NewUser } from '../../src/jobs/service.js';
import { testConfig } from './jobs.js';

export const OPERATOR_TOKEN = `op_${randomBytes(16).toString('hex')}`;

export function apiConfig(overrides: Record<string, string> = {}): Config {
  return testConfig({ OPERATOR_TOKEN_HASH: hashToken(OPERATOR_TOKEN), LOG_LEVEL: 'silent', ...overrides });
}

export interface ApiHarness {
  app: FastifyInstance;
  config: Config;
  /** inject() with `Authorization: Bearer <token>` when a token is given. */
  call(method: InjectOptions['method'], url: string, token?: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function apiHarness(deps: { prisma: Prisma; client?: Client; config?: Config; checkTemporal?: () => Promise<void> }): ApiHarness {
  const config = deps.config ?? apiConfig();
  const app = buildApp({ ...deps, config });
  return {
    app,
    config,
    call: (method, url, token, body) =>
      app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(body !== undefined && { payload: body as object }) }),
    close: () => app.close(),
  };
}

export async function userWithToken(deps: { prisma: Prisma; config: Config }, input: NewUser): Promise<string> {
  const { apiToken } = await addUser(deps, input);
  return apiToken;
}
