/** Writes to stdout with backpressure, so a large `cat` streams instead of piling up in memory. */
export async function writeOut(chunk: string | Uint8Array): Promise<void> {
  if (!process.stdout.write(chunk)) {
    await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  }
}

export function printErr(line: string): void {
  process.stderr.write(line.endsWith('\n') ? line : line + '\n');
}
