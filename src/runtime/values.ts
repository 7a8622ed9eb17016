/**
 * Forms for values the typed model cannot hold as their declared type, so that nothing is lost:
 * an enum byte or unit id the spec does not define, a string that is not UTF-8, a NaN with a payload.
 */
import { fromHex, toHex } from './bytes.js';
import { AutoApiError } from './errors.js';

/** The raw bytes of a value this spec level cannot name. JSON: `{"$unknown": "<hex>"}`. */
export class Unknown {
  constructor(readonly bytes: Uint8Array) {}
  toJSON(): { $unknown: string } {
    return { $unknown: toHex(this.bytes) };
  }
}

export function isUnknownJson(j: unknown): j is { $unknown: string } {
  return typeof j === 'object' && j !== null && typeof (j as { $unknown?: unknown }).$unknown === 'string';
}

export function unknownFromJson(j: { $unknown: string }): Unknown {
  for (const key of Object.keys(j)) {
    if (key !== '$unknown') throw new AutoApiError('UNKNOWN_NAME', -1, `unexpected key "${key}" beside $unknown`);
  }
  try {
    return new Unknown(fromHex(j.$unknown));
  } catch {
    throw new AutoApiError('INVALID_VALUE', -1, '$unknown must be a hex string');
  }
}

/** Timestamps are u64 milliseconds; a Date holds up to 8.64e15 ms, later ones stay a bigint. */
export type Timestamp = Date | bigint;

const MAX_DATE_MS = 8.64e15;

export function timestampAt(view: DataView, at: number): Timestamp {
  const hi = view.getUint32(at);
  const ms = hi * 0x1_0000_0000 + view.getUint32(at + 4);
  return ms <= MAX_DATE_MS ? new Date(ms) : view.getBigUint64(at);
}

export function timestampToJson(t: Timestamp): string {
  return typeof t === 'bigint' ? t.toString() : t.toISOString();
}

export function timestampFromJson(j: unknown): Timestamp {
  if (typeof j === 'string') {
    if (/^\d+$/.test(j)) {
      const ms = BigInt(j);
      if (ms > 0xffff_ffff_ffff_ffffn) throw new AutoApiError('INVALID_VALUE', -1, `${j} ms does not fit 8 bytes`);
      return ms <= BigInt(MAX_DATE_MS) ? new Date(Number(ms)) : ms;
    }
    const d = new Date(j);
    if (!Number.isNaN(d.getTime()) && /^[+-]?\d{4,6}-\d\d-\d\dT/.test(j)) return d;
  }
  throw new AutoApiError('INVALID_VALUE', -1, `expected an ISO 8601 timestamp, got ${describe(j)}`);
}

/** Writes a timestamp as u64 milliseconds; a Date takes no BigInt on the way. */
export function writeTimestamp(view: DataView, at: number, t: unknown): void {
  if (t instanceof Date) {
    const ms = t.getTime();
    if (ms >= 0) {
      view.setUint32(at, Math.floor(ms / 0x1_0000_0000));
      view.setUint32(at + 4, ms >>> 0);
      return;
    }
  }
  view.setBigUint64(at, timestampMs(t));
}

export function timestampMs(t: unknown): bigint {
  if (typeof t === 'bigint') {
    if (t < 0n || t > 0xffff_ffff_ffff_ffffn) throw new AutoApiError('INVALID_VALUE', -1, `timestamp ${t} does not fit 8 bytes`);
    return t;
  }
  if (t instanceof Date) {
    const ms = t.getTime();
    if (Number.isNaN(ms)) throw new AutoApiError('INVALID_VALUE', -1, 'invalid Date');
    if (ms < 0) throw new AutoApiError('INVALID_VALUE', -1, `timestamp ${t.toISOString()} is before 1970`);
    return BigInt(ms);
  }
  throw new AutoApiError('INVALID_VALUE', -1, `expected a Date, got ${describe(t)}`);
}

/** Doubles JSON cannot hold are written as strings. */
export function numberToJson(v: number): number | string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : v;
  return String(v); // NaN, Infinity, -Infinity
}

export function numberFromJson(j: unknown): number {
  if (typeof j === 'number') return j;
  switch (j) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
  }
  throw new AutoApiError('INVALID_VALUE', -1, `expected a number, got ${describe(j)}`);
}

export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
