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

const DAY_MS = 86_400_000;
const PAD2: string[] = /*@__PURE__*/ Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = NaN;
let cachedDate = '';

/** Days since 1970-01-01 -> "YYYY-MM-DD" (proleptic Gregorian; H. Hinnant's civil_from_days). */
function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${PAD2[Math.floor(y / 100)]}${PAD2[y % 100]}-${PAD2[m]}-${PAD2[d]}`;
}

/** "YYYY-MM-DD" -> days since 1970-01-01 (days_from_civil). */
function civilDays(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * ISO 8601 with milliseconds, as Date.prototype.toISOString writes it, several times faster: timestamps are the
 * most common value in vehicle data, and toISOString dominated toJSON.
 */
export function timestampToJson(t: Timestamp): string {
  if (typeof t === 'bigint') return t.toString();
  const ms = t.getTime();
  if (!(ms >= 0 && ms < 253_402_300_800_000)) return t.toISOString(); // before 1970 or past 9999: extended years
  const days = Math.floor(ms / DAY_MS);
  if (days !== cachedDay) {
    cachedDay = days;
    cachedDate = civilDate(days);
  }
  let rest = ms - days * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  return `${cachedDate}T${PAD2[(rest - (rest % 60)) / 60]}:${PAD2[rest % 60]}:${PAD2[sec]}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}


const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number): number => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m]!);

/** Digits at s[i..i+n) as a number, or -1 when one is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** The exact form toJSON writes, "YYYY-MM-DDTHH:MM:SS.sssZ", parsed without Date's general parser; else NaN. */
function parseCanonicalIso(s: string): number {
  if (s.length !== 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) {
    return NaN; // not "....-..-..T..:..:..._Z"
  }
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  const ms = digits(s, 20, 3);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 || ms < 0) return NaN;
  return civilDays(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + se) * 1000 + ms;
}

const ISO = /^([+-]\d{6}|\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(Z|([+-])(\d\d):(\d\d))$/;

/**
 * A timestamp from JSON: an ISO 8601 date-time (any offset, seconds and fraction optional), or a decimal
 * string of milliseconds for those past the Date range. Nothing is rolled over or rounded: 31 February, hour 24
 * or a fraction finer than a millisecond are refused.
 */
export function timestampFromJson(j: unknown): Timestamp {
  if (typeof j === 'string') {
    const fast = parseCanonicalIso(j);
    if (fast === fast) return new Date(fast);
    if (/^\d+$/.test(j)) {
      const ms = BigInt(j);
      if (ms > 0xffff_ffff_ffff_ffffn) throw new AutoApiError('INVALID_VALUE', -1, `${j} ms does not fit 8 bytes`);
      return ms <= BigInt(MAX_DATE_MS) ? new Date(Number(ms)) : ms;
    }
    const m = ISO.exec(j);
    if (m) {
      const [, ys, mos, ds, hs, mis, ses = '0', frac = '', zone, sign, oh = '0', om = '0'] = m;
      const y = Number(ys);
      const mo = Number(mos);
      const d = Number(ds);
      const days = civilDays(y, mo, d);
      const valid =
        mo >= 1 && mo <= 12 && d >= 1 && civilDays(y, mo, 1) + d - 1 === days && (mo === 12 ? civilDays(y + 1, 1, 1) : civilDays(y, mo + 1, 1)) > days &&
        Number(hs) <= 23 && Number(mis) <= 59 && Number(ses) <= 59 && Number(oh) <= 23 && Number(om) <= 59 && /^\d{0,3}0*$/.test(frac);
      if (!valid) throw new AutoApiError('INVALID_VALUE', -1, `${describe(j)} is not a valid date-time (or is finer than a millisecond)`);
      const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
      const ms = days * DAY_MS + ((Number(hs) * 60 + Number(mis)) * 60 + Number(ses)) * 1000 + Number(frac.slice(0, 3).padEnd(3, '0')) - offset;
      if (Math.abs(ms) <= MAX_DATE_MS) return new Date(ms);
    }
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
