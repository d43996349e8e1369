// Turns the ways a Postgres connection fails into one sentence a person can act on.
const byCode: Record<string, (where: string) => string> = {
  ECONNREFUSED: (w) => `Nothing is listening at ${w}. Start Postgres there, or unset DATABASE_URL to use the embedded Postgres.`,
  ENOTFOUND: (w) => `The database host in ${w} does not resolve. Check the host name in DATABASE_URL.`,
  EAI_AGAIN: (w) => `The database host in ${w} could not be resolved right now. Check the host name in DATABASE_URL.`,
  ETIMEDOUT: (w) => `Connecting to ${w} timed out. Check that the host and port in DATABASE_URL are reachable.`,
  '28P01': (w) => `Postgres at ${w} rejected the user name or password. Fix the credentials in DATABASE_URL.`,
  '28000': (w) => `Postgres at ${w} does not allow this user to connect. Fix the user in DATABASE_URL or the server's pg_hba.conf.`,
  '3D000': (w) => `The database named in DATABASE_URL does not exist at ${w}. Create it, or name an existing one.`,
};

/** Where a URL points, without its password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the DATABASE_URL given';
  }
}

export function explainConnectionError(error: unknown, url: string): string | undefined {
  const code = (error as { code?: string } | undefined)?.code;
  const nested = (error as { errors?: { code?: string }[] } | undefined)?.errors?.[0]?.code;
  const explain = (code && byCode[code]) || (nested && byCode[nested]);
  if (explain) return explain(describeDatabaseUrl(url));
  if (error instanceof Error && /Invalid URL|invalid connection string/i.test(error.message)) {
    return 'DATABASE_URL is not a valid connection URL; it should look like postgresql://user:password@host:5432/database.';
  }
  return undefined;
}
