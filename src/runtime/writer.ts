import { AutoApiError } from './errors.js';

/** A growable byte buffer; sizes are patched in place so nothing is copied twice. */
export class Writer {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;
  /** Where the output begins in `bytes`: 0, except for the writer in the result pool (see `writeIntoPool`). */
  start = 0;
  /** The pool writer's buffer for messages that outgrow the pool, kept so that they do not allocate each time. */
  private spare: Uint8Array | undefined;
  private spareView: DataView | undefined;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  ensure(extra: number): void {
    // Small, so that the compiler inlines the check everywhere; growing is the rare case.
    if (this.pos + extra > this.bytes.length) this.grow(this.pos + extra);
  }

  private grow(need: number): void {
    let size = Math.max(this.bytes.length * 2, 256);
    while (size < need) size *= 2;
    const spare = this.spare;
    const next = spare !== undefined && spare.length >= size ? spare : new Uint8Array(size);
    // At the same offsets: positions handed out before (sizes to patch, a start to go back to) stay valid.
    next.set(this.bytes.subarray(this.start, this.pos), this.start);
    this.view = next === spare ? this.spareView! : new DataView(next.buffer);
    this.bytes = next;
  }

  /** Back to the pool after an encode; a buffer grown into is kept unless one huge message made it huge. */
  returnToPool(): void {
    if (this.bytes !== pool) {
      if (this.bytes.length <= 1 << 20) {
        this.spare = this.bytes;
        this.spareView = this.view;
      }
      this.bytes = pool;
      this.view = poolView;
    }
    this.start = this.pos = 0;
  }

  u8(v: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * Writes text as UTF-8 straight into the buffer; TextEncoder.encode would allocate a fresh array outside the
   * heap for each string. Returns false, leaving `pos` where it was, if the text has a lone surrogate.
   */
  utf8(text: string): boolean {
    const n = text.length;
    this.ensure(3 * n); // a UTF-16 unit takes at most 3 bytes; a pair, 4
    const b = this.bytes;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        b[p++] = c;
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      } else {
        const low = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c > 0xdbff || low < 0xdc00 || low > 0xdfff) return false;
        const cp = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 0x3f);
        b[p++] = 0x80 | ((cp >> 6) & 0x3f);
        b[p++] = 0x80 | (cp & 0x3f);
        i++;
      }
    }
    this.pos = p;
    return true;
  }

  /** Leaves room for a u16 size and returns where it goes. */
  reserve16(): number {
    this.ensure(2);
    const at = this.pos;
    this.pos += 2;
    return at;
  }

  /** Writes an id byte and leaves room for the u16 size that follows it (a property or component header). */
  header(id: number): number {
    this.ensure(3);
    this.bytes[this.pos] = id;
    const at = this.pos + 1;
    this.pos += 3;
    return at;
  }

  /** Writes the size of everything after `at + 2`; refuses what a u16 cannot say. */
  patch16(at: number, what: string): void {
    const size = this.pos - at - 2;
    if (size > 0xffff) {
      throw new AutoApiError('INVALID_VALUE', -1, `${what} is ${size} bytes, more than a 2-byte size allows (65535)`);
    }
    this.view.setUint16(at, size);
  }

  /** A copy of what was written: small results share a pooled ArrayBuffer (see `pooledCopy`). */
  finish(): Uint8Array {
    return pooledCopy(this.bytes, this.start, this.pos);
  }
}

/** Results up to this size are carved out of a shared pool; larger ones get an ArrayBuffer of their own. */
export const POOLED_MAX = 4096;
const POOL_SIZE = 8 * POOLED_MAX;
// The pool three ways: reading a typed array's `buffer` (or an ArrayBuffer's length) is a call into a builtin.
let poolBuffer = new ArrayBuffer(0);
let pool = new Uint8Array(poolBuffer);
let poolView = new DataView(poolBuffer);
let poolUsed = 0;
// Set while the pool writer writes into the pool's free space, so that nothing else is put there meanwhile.
let poolClaimed = false;

/** Marks the pool used up to `end`, 8-byte aligned, so that callers may lay wider typed arrays over a result. */
function usePoolTo(end: number): void {
  poolUsed = (end + 7) & ~7;
}

function freshPool(): void {
  poolBuffer = new ArrayBuffer(POOL_SIZE);
  pool = new Uint8Array(poolBuffer);
  poolView = new DataView(poolBuffer);
  poolUsed = 0;
}

/**
 * `source` from `start` to `end`, copied. A fresh ArrayBuffer costs about 1 µs in V8 (an allocation outside
 * the heap, later swept by the collector), more than encoding a typical message. So, like Node's
 * Buffer.allocUnsafe, small results are views into a shared 32 KiB buffer: `result.buffer` may hold other
 * results too, and `result.slice()` gives one of its own (for transferring, say).
 */
export function pooledCopy(source: Uint8Array, start: number, end: number): Uint8Array {
  const size = end - start;
  if (size > POOLED_MAX || poolClaimed) return source.slice(start, end);
  if (poolUsed + size > pool.length) freshPool();
  const out = new Uint8Array(poolBuffer, poolUsed, size);
  out.set(source.subarray(start, end));
  usePoolTo(poolUsed + size);
  return out;
}

/**
 * Points `w` at the pool's free space (POOLED_MAX bytes or more), so that a small result is a view of what was
 * written, where copying it out of a scratch buffer (a view of the source, the copy) cost about 500
 * instructions an encode. False, leaving `w` alone, while the pool is claimed (an encode inside an encode).
 * After true, `finishInPool`, or `releasePool` if the encode fails.
 */
export function writeIntoPool(w: Writer): boolean {
  if (poolClaimed) return false;
  if (pool.length - poolUsed < POOLED_MAX) freshPool();
  poolClaimed = true;
  if (w.bytes !== pool) {
    w.bytes = pool;
    w.view = poolView;
  }
  w.start = w.pos = poolUsed;
  return true;
}

/** What the pool writer wrote, as a result (a view of the pool when small); frees the pool. */
export function finishInPool(w: Writer): Uint8Array {
  const start = w.start;
  const size = w.pos - start;
  let out: Uint8Array;
  if (size <= POOLED_MAX && w.bytes === pool) {
    out = new Uint8Array(poolBuffer, start, size);
    usePoolTo(start + size);
  } else {
    out = w.bytes.slice(start, w.pos); // too large to share the pool (and maybe grown out of it)
  }
  releasePool(w);
  return out;
}

/** Frees the pool from the pool writer, with or without a result. */
export function releasePool(w: Writer): void {
  poolClaimed = false;
  w.returnToPool();
}
