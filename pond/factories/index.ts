import { columnRename } from './column-rename.js';
import { csvDirectory } from './csv-directory.js';
import { dynamicDir } from './dynamic-dir.js';
import { hostmount } from './hostmount.js';
import { hydrovu } from './hydrovu/factory.js';
import { logfileIngest } from './logfile-ingest/factory.js';
import { FactoryRegistry } from './registry.js';
import { sqlDerivedSeries, sqlDerivedTable } from './sql-derived.js';
import { syntheticTimeseries } from './synthetic-timeseries.js';
import { temporalReduce } from './temporal-reduce.js';
import { timeseriesJoin } from './timeseries-join.js';
import { timeseriesPivot } from './timeseries-pivot.js';

/** The registry of every factory (each factory lives in its own file and is registered here). */
export function defaultRegistry(): FactoryRegistry {
  const registry = new FactoryRegistry();
  for (const f of [
    columnRename,
    csvDirectory,
    hostmount,
    hydrovu,
    logfileIngest,
    sqlDerivedTable,
    sqlDerivedSeries,
    syntheticTimeseries,
    temporalReduce,
    timeseriesJoin,
    timeseriesPivot,
  ]) {
    registry.register(f);
  }
  // dynamic-dir validates and makes its children through the registry it belongs to.
  return registry.register(dynamicDir(registry));
}
