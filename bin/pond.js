#!/usr/bin/env node
// The `pond` command. The TypeScript sources are compiled to dist/ by `npm run build`
// (which `npm install` runs through the `prepare` script).
import { main } from '../dist/pond/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
