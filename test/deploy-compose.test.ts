// docker-compose.yml and the Dockerfile, checked without a Docker engine: the compose file against the
// Compose Specification's JSON schema (the copy dclint ships), and the deployment's own rules.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../src/workflows/keys.js';
import { loadCompose, readComposeText, type ComposeFile, type ComposeService } from './support/compose.js';

function composeSpecValidator(): ValidateFunction {
  const dclintRoot = path.dirname(createRequire(import.meta.url).resolve('dclint/package.json'));
  const schema = JSON.parse(readFileSync(path.join(dclintRoot, 'schemas', 'compose.schema.json'), 'utf8')) as Record<string, unknown>;
  // The schema names its draft-07 meta-schema by an https URL Ajv does not register; the draft is Ajv's default.
  delete schema.$schema;
  // strictSchema off: the spec uses annotations (`deprecated`) that draft-07 does not define.
  return new Ajv({ allErrors: true, strictSchema: false, allowUnionTypes: true }).compile(schema);
}

/** The SDK's search attribute types as the Temporal CLI spells them. */
const CLI_TYPE_NAMES: Record<string, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

const ONE_SHOT = new Set(['temporal-schema', 'temporal-setup', 'migrate']);

let validate: ValidateFunction;
let compose: ComposeFile;
beforeAll(() => {
  validate = composeSpecValidator();
  compose = loadCompose();
});

const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};

describe('docker-compose.yml follows the Compose Specification', () => {
  it('validates against the specification schema, as written and after interpolation', () => {
    for (const document of [loadCompose(null), compose]) {
      const valid = validate(document);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('the schema check is not vacuous: a misspelt key or a wrong type is rejected', () => {
    const misspelt = readComposeText().replace('    stop_grace_period: 45s', '    stop_grace_periode: 45s');
    expect(validate(loadCompose({}, misspelt))).toBe(false);
    const wrongType = structuredClone(compose);
    (wrongType.services.worker as Record<string, unknown>).depends_on = 42;
    expect(validate(wrongType)).toBe(false);
  });
});

describe('the deployment', () => {
  it('has the app database, Temporal with its own database, the Web UI, workers, the API and the one-shot steps', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['api', 'migrate', 'postgres', 'temporal', 'temporal-postgres', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
    expect(service('temporal').environment?.POSTGRES_SEEDS).toBe('temporal-postgres');
    expect(service('worker').environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
  });

  it('pins every image it pulls to a version', () => {
    for (const [name, svc] of Object.entries(compose.services).filter(([, s]) => !s.build)) {
      expect(svc.image, name).toMatch(/^[\w./-]+:(?!latest$|stable$)[\w.-]*\d[\w.-]*$/);
    }
  });

  it('gives every long-running service a health check and a restart policy', () => {
    for (const [name, svc] of Object.entries(compose.services).filter(([n]) => !ONE_SHOT.has(n))) {
      expect(svc.restart, name).toMatch(/^(always|unless-stopped)$/);
      expect(svc.healthcheck?.disable, name).not.toBe(true);
      expect(svc.healthcheck?.test, name).toBeDefined();
    }
  });

  it('runs one-shot steps to completion before what needs them, retrying a failed step a bounded number of times', () => {
    const awaited = new Set(
      Object.values(compose.services).flatMap((svc) =>
        Object.entries(svc.depends_on ?? {})
          .filter(([, d]) => d.condition === 'service_completed_successfully')
          .map(([dep]) => dep),
      ),
    );
    expect([...awaited].sort()).toEqual([...ONE_SHOT].sort());
    for (const name of ONE_SHOT) {
      expect(service(name).restart, name).toMatch(/^on-failure:\d+$/);
      expect(service(name).healthcheck?.disable, name).toBe(true);
    }
    expect(Object.keys(service('worker').depends_on ?? {}).sort()).toEqual(['migrate', 'temporal-setup']);
  });

  it('scales workers with replicas: no fixed container name, no published port, a grace period longer than the worker drain', () => {
    const worker = service('worker');
    expect(Number(worker.deploy?.replicas)).toBeGreaterThanOrEqual(2);
    expect(Number(loadCompose({ WORKER_REPLICAS: '5' }).services.worker!.deploy?.replicas)).toBe(5);
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    const graceSeconds = Number(/^(\d+)s$/.exec(String(worker.stop_grace_period))?.[1]);
    expect(graceSeconds * 1000).toBeGreaterThan(Number(worker.environment?.WORKER_SHUTDOWN_GRACE_MS));
  });

  it('runs worker, API and migrations from the one image built here, each with its compiled entry point', () => {
    const entries = { worker: 'dist/worker-main.js', api: 'dist/api-main.js', migrate: 'dist/db/migrate-cli.js' };
    const images = new Set<string | undefined>();
    for (const [name, entry] of Object.entries(entries)) {
      const svc = service(name);
      images.add(svc.image);
      expect(svc.build, name).toEqual({ context: '.' });
      expect(svc.command?.slice(0, 2), name).toEqual(['node', entry]);
      expect(existsSync(path.join(PROJECT_ROOT, entry.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))), entry).toBe(true);
    }
    expect(images.size).toBe(1);
    // The worker's health check reads the file the worker keeps fresh.
    const worker = service('worker');
    const aliveFile = worker.command![worker.command!.indexOf('--alive-file') + 1];
    expect(JSON.stringify(worker.healthcheck?.test)).toContain(aliveFile);
  });

  it('publishes the API, the Web UI and the Temporal frontend on loopback only, and no database at all', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const port of svc.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
    }
    expect(service('postgres').ports).toBeUndefined();
    expect(service('temporal-postgres').ports).toBeUndefined();
    const api = service('api');
    expect(api.ports).toEqual([`127.0.0.1:3000:${api.environment?.API_PORT}`]);
    expect(JSON.stringify(api.healthcheck?.test)).toContain(`127.0.0.1:${api.environment?.API_PORT}/healthz`);
  });

  it('creates the search attributes the jobs upsert, with their types, in the namespace the app uses', () => {
    const setup = service('temporal-setup');
    const declared = String(setup.environment?.SEARCH_ATTRIBUTES).split(/\s+/).sort();
    const expected = SEARCH_ATTRIBUTE_KEYS.map((key) => `${key.name}=${CLI_TYPE_NAMES[key.type]}`).sort();
    expect(declared).toEqual(expected);
    for (const env of [{}, { TEMPORAL_NAMESPACE: 'scrapers' }]) {
      const { services } = loadCompose(env);
      expect(services['temporal-setup']!.environment?.NAMESPACE).toBe(services.worker!.environment?.TEMPORAL_NAMESPACE);
    }
  });

  it('mounts only files that exist', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const volume of svc.volumes ?? []) {
        if (!volume.startsWith('./')) continue;
        expect(existsSync(path.join(PROJECT_ROOT, volume.split(':')[0]!)), `${name}: ${volume}`).toBe(true);
      }
    }
  });
});

describe('the Dockerfile', () => {
  const instructions = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = instructions.reduce<string[][]>((all, line) => {
    if (/^FROM\s/i.test(line)) all.push([]);
    all.at(-1)?.push(line);
    return all;
  }, []);
  const final = stages.at(-1) ?? [];

  it('is multi-stage on a pinned Node 20 LTS Debian image (Temporal core needs glibc)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(instructions.find((l) => l.startsWith('ARG NODE_IMAGE='))).toMatch(/^ARG NODE_IMAGE=node:20\.\d+\.\d+-(bookworm|trixie)-slim$/);
  });

  it('installs without running install scripts, so Prisma downloads no engines', () => {
    const installs = instructions.filter((l) => /\bnpm (ci|install|i)\b/.test(l));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) expect(line).toContain('--ignore-scripts');
  });

  it('runs the prebuilt bundle as a non-root user in the final stage', () => {
    expect(final.some((l) => /^USER\s+(?!root\b|0\b)\S+/.test(l))).toBe(true);
    expect(final.some((l) => l.includes('/app/dist'))).toBe(true);
    expect(final.some((l) => l.includes('prisma/migrations'))).toBe(true);
    expect(final.at(-1)).toBe('CMD ["node", "dist/worker-main.js"]');
  });
});
