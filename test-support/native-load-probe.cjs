// Preloaded with `node --require` by tests: prints every native module the process loads to
// stderr (`NATIVE-LOAD <path>`), so a test can check that a command never loads DuckDB.
// (Writes to a pipe are synchronous on Linux, so none is lost at exit.)
const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) {
  process.stderr.write(`NATIVE-LOAD ${filename}\n`);
  return dlopen.call(this, module, filename, ...rest);
};
