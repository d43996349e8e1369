// docker-compose.yml as Compose itself reads it, without a Docker engine: YAML with merge keys, then
// variable interpolation against a given environment (Compose's `${VAR:-default}` family and `$$`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/config.js';

export const COMPOSE_FILE = path.join(PROJECT_ROOT, 'docker-compose.yml');

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number | string };
  healthcheck?: { test?: string[] | string; disable?: boolean };
  restart?: string;
  ports?: string[];
  volumes?: string[];
  container_name?: string;
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: unknown;
}

export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

const VARIABLE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** One string, interpolated as Compose does: unset and (with `:`) empty count as missing. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VARIABLE, (whole, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const missing = operator?.startsWith(':') ? value === undefined || value === '' : value === undefined;
    switch (operator?.replace(':', '')) {
      case '-':
        return missing ? argument! : value!;
      case '?':
        if (missing) throw new InterpolationError(`${name}: ${argument || 'required'}`);
        return value!;
      case '+':
        return missing ? '' : argument!;
      default:
        return value ?? '';
    }
  });
}

function interpolateDeep(node: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateDeep(item, env));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateDeep(v, env)]));
  return node;
}

export function readComposeText(): string {
  return readFileSync(COMPOSE_FILE, 'utf8');
}

/** The file with merge keys resolved; interpolated against `env` unless `env` is null. */
export function loadCompose(env: Record<string, string | undefined> | null = {}, text = readComposeText()): ComposeFile {
  const document = parse(text, { merge: true }) as unknown;
  return (env === null ? document : interpolateDeep(document, env)) as ComposeFile;
}

/** A service's environment as the process in the container sees it (strings, as Compose passes them). */
export function serviceEnvironment(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}
