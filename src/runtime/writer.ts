import { AutoApiError } from './errors.js';

/** A growable byte buffer; sizes are patched in place so nothing is copied twice. */
export class Writer {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  ensure(extra: number): void {
    // Small, so that the compiler inlines the check everywhere; growing is the rare case.
    if (this.pos + extra > this.bytes.length) this.grow(this.pos + extra);
  }

  private grow(need: number): void {
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
    this.view = new DataView(next.buffer);
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
    return pooledCopy(this.bytes, this.pos);
  }
}

/** Results up to this size are carved out of a shared pool; larger ones get an ArrayBuffer of their own. */
export const POOLED_MAX = 4096;
const POOL_SIZE = 8 * POOLED_MAX;
let pool = new ArrayBuffer(0);
let poolLength = 0; // pool.byteLength is a call into a builtin
let poolUsed = 0;

/**
 * The first `size` bytes of `source`, copied. A fresh ArrayBuffer costs about 1 µs in V8 (an allocation outside
 * the heap, later swept by the collector), more than encoding a typical message. So, like Node's
 * Buffer.allocUnsafe, small results are views into a shared 32 KiB buffer: `result.buffer` may hold other
 * results too, and `result.slice()` gives one of its own (for transferring, say).
 */
export function pooledCopy(source: Uint8Array, size: number): Uint8Array {
  if (size > POOLED_MAX) return source.slice(0, size);
  if (poolUsed + size > poolLength) {
    pool = new ArrayBuffer(POOL_SIZE);
    poolLength = POOL_SIZE;
    poolUsed = 0;
  }
  const out = new Uint8Array(pool, poolUsed, size);
  out.set(source.subarray(0, size));
  poolUsed = (poolUsed + size + 7) & ~7; // 8-byte aligned, so that callers may lay wider typed arrays over a result
  return out;
}
