import { ErrorCode, PondError } from '../../shared/errors.js';
import { ident } from '../duckdb/sql.js';

/**
 * The table schema: Spark's JSON StructType as the Delta protocol serializes it in
 * `metaData.schemaString` (PROTOCOL "Schema Serialization Format"), parsed into typed values.
 */

export type PrimitiveType =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp';

export interface DecimalType {
  type: 'decimal';
  precision: number;
  scale: number;
}

export interface ArrayType {
  type: 'array';
  elementType: DeltaType;
  containsNull: boolean;
}

export interface MapType {
  type: 'map';
  keyType: DeltaType;
  valueType: DeltaType;
  valueContainsNull: boolean;
}

export interface StructField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export interface StructType {
  type: 'struct';
  fields: StructField[];
}

export type DeltaType = PrimitiveType | DecimalType | ArrayType | MapType | StructType;

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveType>([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
]);

// Spark writes `decimal(10,2)`; the protocol's own examples use `decimal(10, 4)`.
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

export function isPrimitive(t: DeltaType): t is PrimitiveType {
  return typeof t === 'string';
}

/** Parses `metaData.schemaString`. Malformed JSON is corrupt; unknown types are unsupported. */
export function parseSchema(schemaString: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (e) {
    throw new PondError(ErrorCode.DeltaCorrupt, `schemaString is not valid JSON`, {
      input: schemaString,
      cause: e,
    });
  }
  const parsed = parseType(json, '');
  if (isPrimitive(parsed) || parsed.type !== 'struct') {
    throw corrupt(`schemaString must be a struct type`, schemaString);
  }
  return parsed;
}

function parseType(json: unknown, path: string): DeltaType {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return json as PrimitiveType;
    // A bare `decimal` is Spark's legacy spelling of the default decimal(10,0).
    if (json === 'decimal') return { type: 'decimal', precision: 10, scale: 0 };
    const m = DECIMAL.exec(json);
    if (m) {
      const precision = Number(m[1]);
      const scale = Number(m[2]);
      if (precision < 1 || precision > 38 || scale > precision) {
        throw corrupt(`column '${path}' has an invalid type ${json}`, json);
      }
      return { type: 'decimal', precision, scale };
    }
    throw new PondError(
      ErrorCode.DeltaUnsupported,
      `column '${path}' has type '${json}', which this Delta reader does not support`,
      { input: json },
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw corrupt(`column '${path}' has a malformed type`, JSON.stringify(json));
  }
  const o = json as Record<string, unknown>;
  switch (o['type']) {
    case 'struct': {
      if (!Array.isArray(o['fields'])) throw corrupt(`struct '${path}' has no fields array`, o);
      return { type: 'struct', fields: o['fields'].map((f) => parseField(f, path)) };
    }
    case 'array':
      return {
        type: 'array',
        elementType: parseType(o['elementType'], `${path}.element`),
        containsNull: bool(o['containsNull'], `${path}.containsNull`, true),
      };
    case 'map':
      return {
        type: 'map',
        keyType: parseType(o['keyType'], `${path}.key`),
        valueType: parseType(o['valueType'], `${path}.value`),
        valueContainsNull: bool(o['valueContainsNull'], `${path}.valueContainsNull`, true),
      };
    default:
      // e.g. {"type":"udt",...} or a future nested type.
      throw new PondError(
        ErrorCode.DeltaUnsupported,
        `column '${path}' has type ${JSON.stringify(o['type'])}, which this Delta reader does not support`,
        { input: JSON.stringify(json) },
      );
  }
}

function parseField(json: unknown, parent: string): StructField {
  if (typeof json !== 'object' || json === null)
    throw corrupt(`malformed field in '${parent}'`, json);
  const f = json as Record<string, unknown>;
  const name = f['name'];
  if (typeof name !== 'string') throw corrupt(`a field of '${parent}' has no name`, f);
  const path = parent === '' ? name : `${parent}.${name}`;
  const metadata = f['metadata'] ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw corrupt(`field '${path}' has malformed metadata`, f);
  }
  return {
    name,
    type: parseType(f['type'], path),
    nullable: bool(f['nullable'], `${path}.nullable`, true),
    metadata: metadata as Record<string, unknown>,
  };
}

function bool(v: unknown, what: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw corrupt(`${what} must be a boolean`, v);
  return v;
}

function corrupt(message: string, input: unknown): PondError {
  return new PondError(ErrorCode.DeltaCorrupt, `invalid schema: ${message}`, {
    input: typeof input === 'string' ? input : JSON.stringify(input),
  });
}

/** The protocol's JSON form of a type (the inverse of parsing). */
export function typeToJson(t: DeltaType): unknown {
  if (isPrimitive(t)) return t;
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'array':
      return {
        type: 'array',
        elementType: typeToJson(t.elementType),
        containsNull: t.containsNull,
      };
    case 'map':
      return {
        type: 'map',
        keyType: typeToJson(t.keyType),
        valueType: typeToJson(t.valueType),
        valueContainsNull: t.valueContainsNull,
      };
    case 'struct':
      return {
        type: 'struct',
        fields: t.fields.map((f) => ({
          name: f.name,
          type: typeToJson(f.type),
          nullable: f.nullable,
          metadata: f.metadata,
        })),
      };
  }
}

export function serializeSchema(s: StructType): string {
  return JSON.stringify(typeToJson(s));
}

/** A readable type name for messages: `decimal(10,2)`, `array<long>`, `struct<...>`. */
export function typeName(t: DeltaType): string {
  if (isPrimitive(t)) return t;
  switch (t.type) {
    case 'decimal':
      return `decimal(${t.precision},${t.scale})`;
    case 'array':
      return `array<${typeName(t.elementType)}>`;
    case 'map':
      return `map<${typeName(t.keyType)},${typeName(t.valueType)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${typeName(f.type)}`).join(',')}>`;
  }
}

const DUCK_PRIMITIVES: Record<PrimitiveType, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BLOB',
  date: 'DATE',
  // Delta `timestamp` is an instant (Parquet isAdjustedToUTC=true): DuckDB TIMESTAMPTZ.
  timestamp: 'TIMESTAMPTZ',
};

/** The DuckDB type that holds values of a Delta type. */
export function duckdbType(t: DeltaType): string {
  if (isPrimitive(t)) return DUCK_PRIMITIVES[t];
  switch (t.type) {
    case 'decimal':
      return `DECIMAL(${t.precision},${t.scale})`;
    case 'array':
      return `${duckdbType(t.elementType)}[]`;
    case 'map':
      return `MAP(${duckdbType(t.keyType)}, ${duckdbType(t.valueType)})`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${ident(f.name)} ${duckdbType(f.type)}`).join(', ')})`;
  }
}

/** The top-level field of that name, if any. */
export function fieldOf(schema: StructType, name: string): StructField | undefined {
  return schema.fields.find((f) => f.name === name);
}
