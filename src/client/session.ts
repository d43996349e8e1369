// What one CLI invocation connects to: the database always, Temporal only when a command asks, and both
// closed when it ends. Defaults point at what `npm start` runs, so the CLI needs no setup next to it.
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../config.js';
import { createPrisma, type Prisma } from '../db/prisma.js';
import type { JobDeps } from '../jobs/service.js';

/** The database `npm start` creates in its embedded Postgres. */
const NPM_START_DATABASE = 'auto_scrape';

export function defaultDatabaseUrl(config: Config): string {
  return `postgresql://postgres:postgres@127.0.0.1:${config.EMBEDDED_PG_PORT}/${NPM_START_DATABASE}`;
}

export function defaultTemporalAddress(config: Config): string {
  return `127.0.0.1:${config.TEMPORAL_DEV_PORT}`;
}

export class Session {
  readonly databaseUrl: string;
  readonly temporalAddress: string;
  /** Said on stderr after the output, so `--json` output stays parseable. */
  readonly notes: string[] = [];
  /** Why Temporal could not be reached, once a command has tried. */
  temporalProblem?: string;
  private prismaClient?: Prisma;
  private connection?: Connection;
  private client?: Promise<Client | undefined>;

  constructor(readonly config: Config) {
    this.databaseUrl = config.DATABASE_URL ?? defaultDatabaseUrl(config);
    this.temporalAddress = config.TEMPORAL_ADDRESS ?? defaultTemporalAddress(config);
  }

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): Session {
    return new Session(loadConfig(env));
  }

  get prisma(): Prisma {
    // One connection is enough for a single command, and keeps the CLI light on a busy database.
    this.prismaClient ??= createPrisma(this.databaseUrl, 1);
    return this.prismaClient;
  }

  /** The Temporal client, or undefined (with a note) when the server cannot be reached. */
  temporal(): Promise<Client | undefined> {
    this.client ??= Connection.connect({ address: this.temporalAddress, connectTimeout: '3s' }).then(
      (connection) => {
        this.connection = connection;
        return new Client({ connection, namespace: this.config.TEMPORAL_NAMESPACE });
      },
      (error: unknown) => {
        this.temporalProblem = `Temporal is not reachable at ${this.temporalAddress} (${(error as Error).message.split('\n')[0]})`;
        this.notes.push(`${this.temporalProblem}.`);
        return undefined;
      },
    );
    return this.client;
  }

  /** What the job service needs; commands that only read the database skip Temporal altogether. */
  async jobDeps({ temporal }: { temporal: boolean }): Promise<JobDeps> {
    const client = temporal ? await this.temporal() : undefined;
    return { prisma: this.prisma, config: this.config, ...(client && { client }) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.prismaClient?.$disconnect(), this.connection?.close()]);
  }
}
