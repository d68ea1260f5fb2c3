import { createRequire } from 'node:module';

type NodeApi = typeof import('@duckdb/node-api');

/**
 * Defined by the CLI's bundle (scripts/bundle-cli.mjs) as its one-file copy of the package beside
 * its chunks, which loads in well under half the time of the package's hundred-odd files;
 * undefined everywhere else (the app, the tests, the benchmarks' plain DuckDB).
 */
declare const POND_BUNDLED_DUCKDB: string | undefined;
const MODULE = typeof POND_BUNDLED_DUCKDB === 'string' ? POND_BUNDLED_DUCKDB : '@duckdb/node-api';

let loaded: NodeApi | undefined;

/**
 * `@duckdb/node-api`, loaded on first use. It is CommonJS (over a hundred files), and Node 20
 * loads it through `require` in about half the time an ESM `import()` takes (about 45 ms against
 * 95 ms here), which every command that runs a query pays (bench/cli-start.ts, pond-import.ts).
 * Every use of its values goes through here (other modules import its types only): the CLI's
 * bundle loads its own copy, and a second copy's classes would fail `instanceof`.
 */
export function duckdbNodeApi(): NodeApi {
  loaded ??= createRequire(import.meta.url)(MODULE) as NodeApi;
  return loaded;
}
