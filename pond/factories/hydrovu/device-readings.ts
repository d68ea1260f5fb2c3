/** Times and values that grow by doubling, and whether the times only ever rose. */
export class Column {
  private timesMemory = new Float64Array(1024);
  private valuesMemory = new Float64Array(1024);
  private n = 0;
  private rising = true;

  get length(): number {
    return this.n;
  }

  /** Each time is later than the one before it (no time twice, none out of order). */
  get increasing(): boolean {
    return this.rising;
  }

  get times(): Float64Array {
    return this.timesMemory.subarray(0, this.n);
  }

  /** NaN where HydroVu sent null. */
  get values(): Float64Array {
    return this.valuesMemory.subarray(0, this.n);
  }

  clear(): void {
    this.n = 0;
    this.rising = true;
  }

  push(time: number, value: number): void {
    if (this.n === this.timesMemory.length) this.grow(2 * this.n);
    if (this.n > 0 && time <= this.timesMemory[this.n - 1]!) this.rising = false;
    this.timesMemory[this.n] = time;
    this.valuesMemory[this.n] = value;
    this.n++;
  }

  append(other: Column): void {
    if (other.n === 0) return;
    if (this.n + other.n > this.timesMemory.length)
      this.grow(Math.max(2 * this.n, this.n + other.n));
    if (!other.rising || (this.n > 0 && other.timesMemory[0]! <= this.timesMemory[this.n - 1]!))
      this.rising = false;
    this.timesMemory.set(other.times, this.n);
    this.valuesMemory.set(other.values, this.n);
    this.n += other.n;
  }

  private grow(size: number): void {
    const times = new Float64Array(size);
    times.set(this.times);
    const values = new Float64Array(size);
    values.set(this.values);
    this.timesMemory = times;
    this.valuesMemory = values;
  }
}

/** A pair's readings, in the order they came. */
export class PairReadings extends Column {
  constructor(
    readonly pid: string,
    readonly uid: string,
  ) {
    super();
  }
}

/**
 * One device's readings of a run, as its pages are read (page-parse.ts): for each parameter and
 * unit pair, its times (unix s) and values in the order they came, in typed arrays (16 bytes a
 * reading; no JS object per reading). A value HydroVu sent as null is NaN here: JSON has no NaN,
 * so no reading can mean it.
 */
export class DeviceReadings {
  private readonly byPair = new Map<string, PairReadings>();
  /** The parameter being read: its readings wait here until its ids are known (any key order). */
  private readonly pending = new Column();
  private total = 0;

  /** Readings read so far. */
  get count(): number {
    return this.total;
  }

  /** Each pair read so far, in the order first seen. */
  get pairs(): PairReadings[] {
    return [...this.byPair.values()];
  }

  startParameter(): void {
    this.pending.clear();
  }

  /** A reading of the parameter being read; `value` NaN when HydroVu sent null or none. */
  add(time: number, value: number): void {
    this.pending.push(time, value);
  }

  /** The parameter being read names `pid` and `uid`: its readings join that pair's. */
  endParameter(pid: string, uid: string): void {
    // pid's length first: ids may hold any character, so "a\0" + "b" must not be "a" + "\0b".
    const key = `${pid.length}:${pid}\u0000${uid}`;
    let pair = this.byPair.get(key);
    if (!pair) {
      pair = new PairReadings(pid, uid);
      this.byPair.set(key, pair);
    }
    pair.append(this.pending);
    this.total += this.pending.length;
  }
}
