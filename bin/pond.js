#!/usr/bin/env node
// The `pond` command: the esbuild bundle of pond/cli that `npm run build` writes to dist/bundle/cli
// (scripts/bundle-cli.mjs; `npm install` runs the build through the `prepare` script). Its source
// maps name the .ts files in a stack trace; reading them costs start time, so only under POND_DEBUG,
// the one case where the CLI prints a stack.
if (process.env.POND_DEBUG) process.setSourceMapsEnabled(true);
const { main } = await import('../dist/bundle/cli/main.js');

process.exitCode = await main(process.argv.slice(2));
