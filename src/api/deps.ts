// What the status API needs from the process that hosts it; tests pass their own.
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Prisma } from '../db/prisma.js';
import type { Logger } from '../logger.js';

export interface ApiDeps {
  prisma: Prisma;
  config: Config;
  /** Absent when Temporal is unreachable: status reads still answer from the database. */
  client?: Client;
  /** Readiness probe of Temporal; defaults to a system-info call through `client`. */
  checkTemporal?: () => Promise<void>;
  logger?: Logger;
}
