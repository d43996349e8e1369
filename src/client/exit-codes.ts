// Exit codes scripts can branch on, one per kind of failure; documented in `--help`.
import type { JobErrorKind } from '../jobs/errors.js';

export const EXIT = {
  ok: 0,
  unexpected: 1,
  invalid: 2,
  notFound: 3,
  conflict: 4,
  unavailable: 5,
} as const;

export const EXIT_FOR_KIND: Record<JobErrorKind, number> = {
  invalid: EXIT.invalid,
  not_found: EXIT.notFound,
  conflict: EXIT.conflict,
  unavailable: EXIT.unavailable,
};

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  unexpected failure
  2  invalid input or usage (bad interval, URL, status, kind, option)
  3  not found (no such user)
  4  conflict (user already exists, job paused)
  5  unavailable (database or Temporal server not reachable)`;
