import type { DuckDBValueConverter, Json } from '@duckdb/node-api';
import { duckdbNodeApi } from '../duckdb/node-api.js';

/**
 * DuckDB's JSON conversion with BLOB values as base64 text, at any depth (a BLOB in a LIST or
 * STRUCT too). DuckDB's own text form of a BLOB escapes only unprintable bytes, so the bytes
 * `\x41` and `A` print alike; base64 gives every byte string back exactly
 * (`from_base64(...)` in DuckDB, `base64 -d`, `Buffer.from(s, 'base64')`).
 */
export const jsonWithBase64Blobs: DuckDBValueConverter<Json> = (value, type, converter) => {
  const { DuckDBBlobValue, DuckDBTypeId, JsonDuckDBValueConverter } = duckdbNodeApi();
  if (type.typeId === DuckDBTypeId.BLOB && value instanceof DuckDBBlobValue)
    return Buffer.from(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength).toString(
      'base64',
    );
  return JsonDuckDBValueConverter(value, type, converter);
};
