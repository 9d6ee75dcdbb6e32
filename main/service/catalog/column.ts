/**
 * A growable typed array: the catalog keeps its entry table in columns so that a million distinct
 * entries cost bytes per field, not a JS object each (~100 B), and load from disk without parsing.
 */
export type NumberArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

export class Column<T extends NumberArray> {
  private data: T;
  private count = 0;

  constructor(private readonly make: (length: number) => T) {
    this.data = make(1024);
  }

  get length(): number {
    return this.count;
  }

  /** The live values; valid until the next push or append (which may reallocate). */
  get values(): T {
    return this.data;
  }

  push(value: number): number {
    if (this.count === this.data.length) this.reserve(this.count + 1);
    this.data[this.count] = value;
    return this.count++;
  }

  append(values: ArrayLike<number>): void {
    this.reserve(this.count + values.length);
    this.data.set(values, this.count);
    this.count += values.length;
  }

  /** The values from `start` to the end, as bytes (for writing a segment). */
  bytesFrom(start: number): Buffer {
    const per = this.data.BYTES_PER_ELEMENT;
    return Buffer.from(this.data.buffer, this.data.byteOffset + start * per, (this.count - start) * per);
  }

  private reserve(needed: number): void {
    if (needed <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < needed) size *= 2;
    const next = this.make(size);
    next.set(this.data.subarray(0, this.count));
    this.data = next;
  }
}
