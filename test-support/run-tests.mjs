// `npm test`: lint, build (tsc + vite), vitest, then the browser tests. Every step runs even when
// an earlier one failed, so CI counts the tests of both suites; the exit code is non-zero when
// any step failed. Only a failed build stops the browser tests (they would test a stale app).
import { spawnSync } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(name, command, args, env = {}) {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  if (!ok)
    console.log(`=== ${name} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
  return { name, ok };
}

const results = [step('lint', npm, ['run', 'lint'])];
const build = step('build', npm, ['run', 'build']);
results.push(build);
results.push(step('vitest', npx, ['vitest', 'run']));
if (build.ok) {
  results.push(step('playwright', npx, ['playwright', 'test'], { POND_SKIP_BUILD: '1' }));
} else {
  console.log('=== playwright skipped: the build failed');
  results.push({ name: 'playwright', ok: false });
}

const failed = results.filter((r) => !r.ok).map((r) => r.name);
console.log(`\n=== ${failed.length === 0 ? 'all passed' : `failed: ${failed.join(', ')}`}`);
process.exit(failed.length === 0 ? 0 : 1);
