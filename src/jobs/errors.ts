// Failures of job operations, by kind, so the CLI can pick an exit code and the API a status code.
export type JobErrorKind = 'invalid' | 'not_found' | 'conflict' | 'unavailable';

export class JobError extends Error {
  override name = 'JobError';
  constructor(
    readonly kind: JobErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
