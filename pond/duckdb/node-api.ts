import { createRequire } from 'node:module';

type NodeApi = typeof import('@duckdb/node-api');

/**
 * Defined (true) by the CLI's bundle (scripts/bundle-cli.mjs), which bundles the package's
 * JavaScript with its own, so the V8 code cache of each command holds DuckDB's code too;
 * undefined everywhere else (the app, the tests, the benchmarks' plain DuckDB).
 */
declare const POND_BUNDLE: boolean | undefined;

let loaded: NodeApi | undefined;

/**
 * `@duckdb/node-api`, loaded on first use. It is CommonJS (over a hundred files), and Node 20
 * loads it through `require` in about half the time an ESM `import()` takes (about 45 ms against
 * 95 ms here), which every command that runs a query pays (bench/cli-start.ts, pond-import.ts).
 * Every use of its values goes through here (other modules import its types only): a second
 * copy's classes would fail `instanceof`.
 */
export function duckdbNodeApi(): NodeApi {
  loaded ??=
    typeof POND_BUNDLE === 'boolean'
      ? // A `require` esbuild sees: the bundle runs its own copy, loaded when first called.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('@duckdb/node-api') as NodeApi)
      : (createRequire(import.meta.url)('@duckdb/node-api') as NodeApi);
  return loaded;
}
