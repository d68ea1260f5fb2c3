import { execFileSync } from 'node:child_process';

// CLI and multi-process tests run the compiled code (bin/pond.js imports dist/), so every test
// run starts from a fresh build. tsc is incremental, so this is quick when nothing changed.
export default function setup(): void {
  // Set POND_SKIP_BUILD=1 to run pure unit tests while another part of the tree does not compile.
  if (process.env.POND_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], {
    stdio: 'inherit',
  });
}
