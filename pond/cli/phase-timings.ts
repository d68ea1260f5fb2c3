import { printErr } from './output.js';

/**
 * `POND_TIMINGS=1`: where a command's time goes, printed on stderr when it ends as
 * `timings: start 80, load 120, ...`, each phase's ms since the one before, the first since the
 * process started (Node's own start included). bench/pond-import.ts prints them per run.
 */
export class PhaseTimings {
  private readonly marks: [string, number][] = [];
  private readonly enabled = !!process.env['POND_TIMINGS'];

  /** The phase `name` ends now. */
  mark(name: string): void {
    if (this.enabled) this.marks.push([name, performance.now()]);
  }

  print(): void {
    if (!this.enabled) return;
    let last = 0;
    const parts = this.marks.map(([name, at]) => {
      const part = `${name} ${(at - last).toFixed(0)}`;
      last = at;
      return part;
    });
    printErr(`timings: ${parts.join(', ')}`);
  }
}
