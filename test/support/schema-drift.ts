// Compares what schema.prisma declares with what the migrations built in a real database, and lists
// every difference in words. Prisma's own diff needs the schema engine binary, which cannot be here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { PROJECT_ROOT } from '../../src/config.js';

const require = createRequire(import.meta.url);
const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object';
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  isUpdatedAt: boolean;
  type: string;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
    indexes: DmmfIndex[];
  };
}

export function loadDmmf(schemaPath = path.join(PROJECT_ROOT, 'prisma', 'schema.prisma')): Dmmf {
  const schema = readFileSync(schemaPath, 'utf8');
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schema]] }))) as Dmmf;
}

const scalarTypes: Record<string, string> = {
  String: 'text',
  Int: 'int4',
  BigInt: 'int8',
  Boolean: 'bool',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Float: 'float8',
  Decimal: 'numeric',
  Bytes: 'bytea',
};
const nativeTypes: Record<string, string> = {
  Timestamptz: 'timestamptz',
  Timestamp: 'timestamp',
  VarChar: 'varchar',
  Text: 'text',
  Uuid: 'uuid',
  Date: 'date',
  SmallInt: 'int2',
  Integer: 'int4',
  JsonB: 'jsonb',
};

function expectedUdt(field: DmmfField, enums: Dmmf['datamodel']['enums']): string {
  let base: string;
  if (field.kind === 'enum') {
    const e = enums.find((x) => x.name === field.type);
    base = e?.dbName ?? field.type;
  } else if (field.nativeType) {
    base = nativeTypes[field.nativeType[0]] ?? field.nativeType[0].toLowerCase();
  } else {
    base = scalarTypes[field.type] ?? field.type.toLowerCase();
  }
  return field.isList ? `_${base}` : base;
}

const column = (f: DmmfField) => f.dbName ?? f.name;

/** Every difference between the schema and the database at `url`; empty when they agree. */
export async function schemaDrift(url: string, dmmf: Dmmf = loadDmmf()): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const problems: string[] = [];
    const { rows: columns } = await client.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string; column_default: string | null }>(
      `SELECT table_name, column_name, udt_name, is_nullable, column_default FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const { rows: enumRows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' GROUP BY t.typname`,
    );
    const { rows: indexRows } = await client.query<{ table_name: string; is_unique: boolean; is_primary: boolean; columns: string[] }>(
      `SELECT c.relname AS table_name, i.indisunique AS is_unique, i.indisprimary AS is_primary,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
       GROUP BY c.relname, i.indexrelid, i.indisunique, i.indisprimary`,
    );
    const { rows: fkRows } = await client.query<{ table_name: string; columns: string[]; ref_table: string; ref_columns: string[] }>(
      `SELECT c.relname AS table_name, r.relname AS ref_table,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n) AS columns,
              (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n) AS ref_columns
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
       WHERE con.contype = 'f'`,
    );

    const { models, enums, indexes } = dmmf.datamodel;
    const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));

    for (const e of enums) {
      const name = e.dbName ?? e.name;
      const found = enumRows.find((r) => r.typname === name);
      const want = e.values.map((v) => v.dbName ?? v.name);
      if (!found) problems.push(`enum ${name} is missing from the database`);
      else if (found.labels.join(',') !== want.join(',')) problems.push(`enum ${name} has values [${found.labels}] in the database but [${want}] in the schema`);
    }
    for (const r of enumRows) {
      if (!enums.some((e) => (e.dbName ?? e.name) === r.typname)) problems.push(`enum ${r.typname} exists in the database but not in the schema`);
    }

    for (const model of models) {
      const table = tableOf.get(model.name)!;
      const dbColumns = columns.filter((c) => c.table_name === table);
      if (dbColumns.length === 0) {
        problems.push(`table ${table} (model ${model.name}) is missing from the database`);
        continue;
      }
      const fields = model.fields.filter((f) => f.kind !== 'object');
      for (const field of fields) {
        const col = dbColumns.find((c) => c.column_name === column(field));
        const where = `${table}.${column(field)}`;
        if (!col) {
          problems.push(`column ${where} (${model.name}.${field.name}) is missing from the database`);
          continue;
        }
        const udt = expectedUdt(field, enums);
        if (col.udt_name !== udt) problems.push(`column ${where} has type ${col.udt_name} in the database but ${udt} in the schema`);
        // Prisma creates list columns nullable whatever the schema says, so only scalars are compared.
        const wantNullable = field.isList ? col.is_nullable === 'YES' : !field.isRequired;
        if ((col.is_nullable === 'YES') !== wantNullable) {
          problems.push(`column ${where} is ${col.is_nullable === 'YES' ? 'nullable' : 'NOT NULL'} in the database but ${wantNullable ? 'optional' : 'required'} in the schema`);
        }
        const hasDefault = col.column_default !== null;
        if (hasDefault !== field.hasDefaultValue) {
          problems.push(`column ${where} ${hasDefault ? 'has' : 'has no'} default in the database but ${field.hasDefaultValue ? 'has' : 'has no'} default in the schema`);
        }
      }
      for (const col of dbColumns) {
        if (!fields.some((f) => column(f) === col.column_name)) problems.push(`column ${table}.${col.column_name} exists in the database but not in the schema`);
      }
      for (const rel of model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
        const cols = rel.relationFromFields!.map((n) => column(model.fields.find((f) => f.name === n)!));
        const refModel = models.find((m) => m.name === rel.type)!;
        const refCols = rel.relationToFields!.map((n) => column(refModel.fields.find((f) => f.name === n)!));
        const refTable = tableOf.get(rel.type)!;
        const fk = fkRows.find((r) => r.table_name === table && r.ref_table === refTable && r.columns.join() === cols.join() && r.ref_columns.join() === refCols.join());
        if (!fk) problems.push(`foreign key ${table}(${cols}) → ${refTable}(${refCols}) is missing from the database`);
      }
    }
    for (const table of new Set(columns.map((c) => c.table_name))) {
      if (![...tableOf.values()].includes(table)) problems.push(`table ${table} exists in the database but not in the schema`);
    }

    const describe = (i: { unique: boolean; primary: boolean }) => (i.primary ? 'primary key' : i.unique ? 'unique index' : 'index');
    const wanted = indexes.map((i) => {
      const model = models.find((m) => m.name === i.model)!;
      const cols = i.fields.map((f) => column(model.fields.find((x) => x.name === f.name)!));
      return { table: tableOf.get(i.model)!, cols, unique: i.type !== 'normal', primary: i.type === 'id' };
    });
    for (const w of wanted) {
      const found = indexRows.find((r) => r.table_name === w.table && r.columns.join() === w.cols.join() && r.is_unique === w.unique && r.is_primary === w.primary);
      if (!found) problems.push(`${describe(w)} on ${w.table}(${w.cols}) is missing from the database`);
    }
    for (const r of indexRows) {
      if (!wanted.some((w) => w.table === r.table_name && w.cols.join() === r.columns.join() && w.unique === r.is_unique && w.primary === r.is_primary)) {
        problems.push(`${describe({ unique: r.is_unique, primary: r.is_primary })} on ${r.table_name}(${r.columns}) exists in the database but not in the schema`);
      }
    }
    return problems;
  } finally {
    await client.end();
  }
}
