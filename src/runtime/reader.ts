import { AutoApiError, truncated } from './errors.js';
import type { Registry } from './registry.js';
import type { Timestamp } from './values.js';

/** Default limit on how deeply capability_state values may nest (Historical -> Vehicle Status -> ...). */
export const DEFAULT_MAX_DEPTH = 8;

/**
 * One cursor over the outermost input. Nested messages are read from the same bytes, so every offset in an
 * error counts from the start of what the caller passed in.
 */
export class Reader {
  readonly view: DataView;
  pos = 0;
  depth = 0;
  /**
   * Set when an item inside a custom type could not be represented; the rest of the value is still read,
   * so that its framing is checked, and the whole component is then kept as Unknown bytes.
   */
  unrepresentable = false;
  /** Set by usualData for the generated readers: where the data ends, the timestamp, where the property ends. */
  dataEnd = 0;
  stamp: Timestamp | undefined = undefined;
  next = 0;
  /**
   * Set once a generated reader has given up on a state: from then on states are read by the general reader
   * only, so that no state is read more than once for each enclosing state that gives up.
   */
  general = false;

  constructor(
    readonly bytes: Uint8Array,
    /** Swapped for the full registry while a nested message is read. */
    public registry: Registry,
    readonly maxDepth = DEFAULT_MAX_DEPTH,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Claims `size` bytes before `end` and returns where they start. */
  take(size: number, end: number, what: string): number {
    const at = this.pos;
    if (end - at !== size) {
      if (end - at < size) throw truncated(at, size, end - at, what);
      throw new AutoApiError('BAD_SIZE', at, `${what} takes ${size} bytes, ${end - at} given`);
    }
    this.pos = at + size;
    return at;
  }

  /** Like take, but more bytes may follow (items inside a custom type). */
  takeSome(size: number, end: number, what: string): number {
    const at = this.pos;
    if (end - at < size) throw truncated(at, size, end - at, what);
    this.pos = at + size;
    return at;
  }

  /** Reads a u16 length prefix and returns the end of the bytes it announces. */
  prefixed(end: number, what: string): number {
    const at = this.takeSome(2, end, `the length of ${what}`);
    const size = this.view.getUint16(at);
    if (end - this.pos < size) throw truncated(this.pos, size, end - this.pos, what);
    return this.pos + size;
  }

  expectEnd(end: number, what: string): void {
    if (this.pos !== end) {
      throw new AutoApiError('TRAILING_BYTES', this.pos, `${end - this.pos} bytes left over after ${what}`);
    }
  }
}
