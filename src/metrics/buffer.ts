/**
 * Growable typed arrays for "cat" metric states (scores kept for ranking metrics).
 *
 * @module
 */

/** An append-only Float64Array with amortised doubling. */
export class Float64Buffer {
  private data: Float64Array;
  private size = 0;

  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  /** Number of values held. */
  get length(): number {
    return this.size;
  }

  /** Appends every value of `values`. */
  push(values: ArrayLike<number>): void {
    this.reserve(this.size + values.length);
    this.data.set(values, this.size);
    this.size += values.length;
  }

  /** A view of the values held (valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.size);
  }

  /** Forgets every value. */
  clear(): void {
    this.size = 0;
  }

  private reserve(n: number): void {
    if (n <= this.data.length) return;
    // Double (amortised O(1) appends), but never allocate more than twice what is needed.
    const cap = Math.max(n, 2 * this.data.length);
    const next = new Float64Array(cap);
    next.set(this.view());
    this.data = next;
  }
}

/** An append-only Int32Array with amortised doubling. */
export class Int32Buffer {
  private data: Int32Array;
  private size = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }

  /** Number of values held. */
  get length(): number {
    return this.size;
  }

  /** Appends every value of `values`. */
  push(values: ArrayLike<number>): void {
    if (this.size + values.length > this.data.length) {
      const cap = Math.max(this.size + values.length, 2 * this.data.length);
      const next = new Int32Array(cap);
      next.set(this.view());
      this.data = next;
    }
    this.data.set(values, this.size);
    this.size += values.length;
  }

  /** A view of the values held (valid until the next push). */
  view(): Int32Array {
    return this.data.subarray(0, this.size);
  }

  /** Forgets every value. */
  clear(): void {
    this.size = 0;
  }
}
