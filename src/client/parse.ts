// Turning command-line text into the values the job service takes. Only the conversion lives here: which
// values are acceptable (interval range, URL, kind, status) is the service's to decide.
import { JobError } from '../jobs/errors.js';
import type { SourceKind } from '../jobs/service.js';

/** A number as written; the service decides whether it is a whole number in range. */
export function parseSeconds(option: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || Number.isNaN(value)) throw new JobError('invalid', `${option} must be a number of seconds, got ${JSON.stringify(text)}.`);
  return value;
}

/** `rss:https://example.com/feed`: the kind, then the URL after the first colon. */
export function parseSource(text: string): { kind: SourceKind; url: string } {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new JobError('invalid', `--source must be <kind>:<url>, e.g. rss:https://example.com/feed, got ${JSON.stringify(text)}.`);
  // The service checks the kind against the ones it knows.
  return { kind: text.slice(0, colon) as SourceKind, url: text.slice(colon + 1) };
}

export function parseKeywords(text: string): string[] {
  return text
    .split(',')
    .map((keyword) => keyword.trim())
    .filter(Boolean);
}

/** Commander calls this once per occurrence of a repeatable option. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
