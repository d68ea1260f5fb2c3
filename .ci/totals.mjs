// Sums the JSON reports of every test suite into one line: "N passed, N failed".
// A non-zero exit of `npm test` with no failed test counted (a build or lint failure) counts
// as one failure, so a broken build never prints "0 failed".
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, status] = process.argv.slice(2);
let passed = 0;
let failed = 0;

const vitest = join(dir, 'vitest.json');
if (existsSync(vitest)) {
  const r = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
}
const playwright = join(dir, 'playwright.json');
if (existsSync(playwright)) {
  const s = JSON.parse(readFileSync(playwright, 'utf8')).stats;
  passed += s.expected + s.flaky;
  failed += s.unexpected;
}
if (Number(status) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
