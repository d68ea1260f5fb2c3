// Preloaded with `node --require` by tests: prints every native module the process loads to
// stderr (`NATIVE-LOAD <path>`), so a test can check that a command never loads DuckDB.
const { writeSync } = require('node:fs');
const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) {
  writeSync(2, `NATIVE-LOAD ${filename}\n`);
  return dlopen.call(this, module, filename, ...rest);
};
