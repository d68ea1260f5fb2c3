import { setFlagsFromString } from 'node:v8';

/**
 * V8's setting for a `pond` process, made before the CLI's code loads. A function is compiled by
 * TurboFan once it has run about this many bytes of bytecode (V8's default is 132 KiB). A command
 * lasts about a second; at the default, V8 spends much of it optimizing functions that run a few
 * hundred times and are done (the HTTP client's, the commit's, the bundle's start), on threads
 * beside the command's. Eight times the default, only code that really loops (the page reader, a
 * record scan) is optimized: a HydroVu collect of 10 x 100,000 readings uses ~60 ms less CPU
 * (bench/hydrovu-collect.ts, whose transfer-only process runs with the same setting).
 */
export const INTERRUPT_BUDGET = 1 << 20;

export function tuneV8(): void {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
}
