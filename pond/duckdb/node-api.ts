import { createRequire } from 'node:module';

type NodeApi = typeof import('@duckdb/node-api');

let loaded: NodeApi | undefined;

/**
 * `@duckdb/node-api`, loaded on first use. It is CommonJS (over a hundred files), and Node 20
 * loads it through `require` in about half the time an ESM `import()` takes (about 45 ms against
 * 95 ms here), which every command that runs a query pays (bench/cli-start.ts, pond-import.ts).
 */
export function duckdbNodeApi(): NodeApi {
  loaded ??= createRequire(import.meta.url)('@duckdb/node-api') as NodeApi;
  return loaded;
}
