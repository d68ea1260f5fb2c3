import { execFileSync } from 'node:child_process';

// CLI and multi-process tests run the compiled code (bin/pond.js runs the CLI's bundle in
// dist/bundle/cli; other tests import dist/ modules), so every test run starts from a fresh
// build. tsc is incremental and esbuild takes about a second, so this is quick.
export default function setup(): void {
  // Set POND_SKIP_BUILD=1 to run pure unit tests while another part of the tree does not compile.
  if (process.env.POND_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { stdio: 'inherit' });
}
