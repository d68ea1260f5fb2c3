import { tableFromIPC } from 'apache-arrow';
import type { AlignedData } from 'uplot';
import type { ChartData } from '../../../shared/api';

/** uPlot's columns from the engine's Arrow answer: `t` (ms) then one column per series; NaN → gap. */
export function alignedData(chart: ChartData): AlignedData {
  const table = tableFromIPC(chart.arrow);
  const t = Array.from(table.getChild('t')!.toArray() as Float64Array);
  const series = chart.columns.map((name) =>
    Array.from(table.getChild(name)!.toArray() as Float64Array, (v) =>
      Number.isNaN(v) ? null : v,
    ),
  );
  return [t, ...series];
}

export const PALETTE = [
  '#2b7bd6',
  '#e0662b',
  '#2ba36b',
  '#b33dc6',
  '#c9a227',
  '#d63b5a',
  '#3bb8c9',
];
