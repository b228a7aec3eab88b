/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) for the sample data.
 * Why our own: the warehouse must be byte-identical on every machine and Node version for a given
 * seed, so it uses integer arithmetic only — never `Math.random`, never a transcendental function
 * whose last bit could differ between platforms.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /**
   * @param seed  any integer; the warehouse's `seed` option.
   * @param stream  names an independent stream, so that (say) the customers do not change when
   *   the number of transactions does.
   */
  constructor(seed: number, stream: string) {
    let state = (seed | 0) ^ 0x9e3779b9;
    for (let i = 0; i < stream.length; i += 1) state = Math.imul(state ^ stream.charCodeAt(i), 0x01000193);
    const split = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = split();
    this.#b = split();
    this.#c = split();
    this.#d = split();
    for (let i = 0; i < 12; i += 1) this.uint32();
  }

  /** The next 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of randomness (exact, so identical everywhere). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An index into `weights`, chosen with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i += 1) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** An element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/**
 * The index `i` in [start, end) with `cumulative[i - 1] <= u < cumulative[i]` (binary search over
 * a running sum): weighted choice in O(log n) over big tables, without copying a slice of them.
 */
export function searchCumulative(cumulative: ArrayLike<number>, u: number, start = 0, end = cumulative.length): number {
  let lo = start;
  let hi = end - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
