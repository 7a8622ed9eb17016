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

/**
 * Days since 1970-01-01, 0 to 2,932,896 (the 4-digit years) -> year * 10000 + month * 100 + day (proleptic Gregorian;
 * H. Hinnant's civil_from_days). Every quantity is a non-negative int32, so `| 0` floors without Math.floor.
 */
function civilDate(days: number): number {
  const z = (days + 719_468) | 0;
  const era = (z / 146_097) | 0;
  const doe = z - era * 146_097;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doy + 2) / 153) | 0;
  const d = doy - (((153 * mp + 2) / 5) | 0) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
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
 * The digits of one minute, "YYYY-MM-DDTHH:MM", as char codes, and where that minute starts. Timestamps of a
 * message mostly fall in a minute or two (a property's time, and a value that is itself a date), and then only
 * seconds and milliseconds are left to work out.
 */
class MinuteDigits {
  start = NaN;
  day = NaN;
  y0 = 0; y1 = 0; y2 = 0; y3 = 0; m0 = 0; m1 = 0; d0 = 0; d1 = 0; h0 = 0; h1 = 0; n0 = 0; n1 = 0; // prettier-ignore

  /** Sets the digits of the minute `ms` falls in; 0 <= ms < 253,402,300,800,000 (the 4-digit years). */
  fill(ms: number): void {
    // Integer arithmetic from here: % on a double past 2^31 would call out to fmod.
    const days = Math.floor(ms / DAY_MS) | 0;
    if (days !== this.day) {
      this.day = days;
      const ymd = civilDate(days);
      const y = (ymd / 10_000) | 0;
      const md = ymd - y * 10_000;
      this.y0 = 48 + ((y / 1000) | 0);
      this.y1 = 48 + (((y / 100) | 0) % 10);
      this.y2 = 48 + (((y / 10) | 0) % 10);
      this.y3 = 48 + (y % 10);
      this.m0 = 48 + ((md / 1000) | 0);
      this.m1 = 48 + (((md / 100) | 0) % 10);
      this.d0 = 48 + (((md / 10) | 0) % 10);
      this.d1 = 48 + (md % 10);
    }
    const mins = (((ms - days * DAY_MS) | 0) / 60_000) | 0;
    const hour = (mins / 60) | 0;
    const min = mins - hour * 60;
    this.h0 = 48 + ((hour / 10) | 0);
    this.h1 = 48 + (hour % 10);
    this.n0 = 48 + ((min / 10) | 0);
    this.n1 = 48 + (min % 10);
    this.start = days * DAY_MS + mins * 60_000;
  }
}

// The two minutes formatted last, latest first: a new minute takes the older one's place.
let recentMinute = new MinuteDigits();
let olderMinute = new MinuteDigits();

/**
 * ISO 8601 with milliseconds, exactly as Date.prototype.toISOString writes it, several times faster: timestamps
 * are the most common value in vehicle data. One fromCharCode call makes one flat string, where concatenation
 * would build a rope that JSON.stringify must flatten again.
 */
export function timestampToJson(t: Timestamp): string {
  if (typeof t === 'bigint') return t.toString();
  const ms = t.getTime();
  if (!(ms >= 0 && ms < 253_402_300_800_000)) return t.toISOString(); // before 1970 or past 9999: extended years
  let m = recentMinute;
  let inMinute = ms - m.start;
  if (!(inMinute >= 0 && inMinute < 60_000)) {
    m = olderMinute;
    inMinute = ms - m.start;
    if (!(inMinute >= 0 && inMinute < 60_000)) {
      m.fill(ms);
      inMinute = ms - m.start;
    }
    olderMinute = recentMinute;
    recentMinute = m;
  }
  // Remainders by subtraction, which the compiler keeps to a multiply where a % would also divide.
  const x = inMinute | 0;
  const sec = (x / 1000) | 0;
  const milli = x - sec * 1000;
  const sec10 = (sec / 10) | 0;
  const ms100 = (milli / 100) | 0;
  const ms10 = ((milli - ms100 * 100) / 10) | 0;
  // prettier-ignore
  return String.fromCharCode(
    m.y0, m.y1, m.y2, m.y3, 45, m.m0, m.m1, 45, m.d0, m.d1, 84, m.h0, m.h1, 58, m.n0, m.n1, 58,
    48 + sec10, 48 + sec - sec10 * 10, 46, 48 + ms100, 48 + ms10, 48 + milli - ms100 * 100 - ms10 * 10, 90,
  );
}

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number): number => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m]!);

// The last day parsed, as y * 10000 + m * 100 + d, and its day number: timestamps of a message share days.
let parsedDate = -1;
let parsedDays = 0;
/**
 * The last two prefixes (minutes or hours) of fully parsed timestamps, the latest first: the strings that start
 * with a prefix such as "YYYY-MM-DDTHH:MM:" are those between two bounds, the prefix itself and the prefix with
 * its last character, ":", replaced by the next one, ";". Two, because a message's data may hold a timestamp of
 * another time than its components'.
 */
class RecentPrefixes {
  // Empty ranges at first: nothing is above "~" and below "".
  low = '~';
  high = '';
  start = 0;
  otherLow = '~';
  otherHigh = '';
  otherStart = 0;

  /** Where the prefix `s` starts with begins, in ms, when it is one of the two; else -1. */
  startOf(s: string): number {
    // The upper bound first: timestamps mostly move forward, and a later one is told by one compare.
    if (s < this.high && s > this.low) return this.start;
    if (!(s < this.otherHigh && s > this.otherLow)) return -1;
    // The latest first, so that a run of timestamps with this prefix is told by the first two compares.
    const low = this.otherLow, high = this.otherHigh, start = this.otherStart; // prettier-ignore
    this.push(low, high, start);
    return start;
  }

  push(low: string, high: string, start: number): void {
    this.otherLow = this.low;
    this.otherHigh = this.high;
    this.otherStart = this.start;
    this.low = low;
    this.high = high;
    this.start = start;
  }
}

const minutes = new RecentPrefixes();
const hours = new RecentPrefixes();

/**
 * The exact form toJSON writes, "YYYY-MM-DDTHH:MM:SS.sssZ" (from 1970 on), parsed without Date's general parser;
 * else -1. Checked without a branch per character.
 *
 * Each charCodeAt costs V8 a check of the string's representation, where a string compare is one builtin loop.
 * So a string in either of the two minutes parsed last is told by two or four compares, and only its last 7
 * characters are read; one in either of their hours, by up to four more, then its last 10 characters. Building
 * the bounds costs about two full parses, so only a full parse (a new hour) builds them: states of a history a
 * minute apart share their hour's.
 */
function parseCanonicalIso(s: string): number {
  if (s.length !== 24) return -1;
  const minute = minutes.startOf(s);
  if (minute >= 0) {
    const within = msInMinute(s);
    return within < 0 ? -1 : minute + within;
  }
  return parseOutsideMinutes(s);
}

/** The rest of parseCanonicalIso, apart so that the compiler can inline the known-minute case above. */
function parseOutsideMinutes(s: string): number {
  const hour = hours.startOf(s);
  if (hour >= 0) {
    const within = msInHour(s);
    return within < 0 ? -1 : hour + within;
  }
  const c0 = s.charCodeAt(0) - 48, c1 = s.charCodeAt(1) - 48, c2 = s.charCodeAt(2) - 48, c3 = s.charCodeAt(3) - 48, s4 = s.charCodeAt(4); // prettier-ignore
  const c5 = s.charCodeAt(5) - 48, c6 = s.charCodeAt(6) - 48, s7 = s.charCodeAt(7), c8 = s.charCodeAt(8) - 48, c9 = s.charCodeAt(9) - 48, s10 = s.charCodeAt(10); // prettier-ignore
  const c11 = s.charCodeAt(11) - 48, c12 = s.charCodeAt(12) - 48, s13 = s.charCodeAt(13), c14 = s.charCodeAt(14), c15 = s.charCodeAt(15), s16 = s.charCodeAt(16); // prettier-ignore
  // Each c | (9 - c) is negative, its sign bit set, unless 0 <= c <= 9.
  const bad = c0 | (9 - c0) | c1 | (9 - c1) | c2 | (9 - c2) | c3 | (9 - c3) | c5 | (9 - c5) | c6 | (9 - c6) | c8 | (9 - c8) | c9 | (9 - c9) | c11 | (9 - c11) | c12 | (9 - c12); // prettier-ignore
  // "-", "-", "T", ":" where they belong, or some bit is left.
  const separators = (s4 ^ 45) | (s7 ^ 45) | (s10 ^ 84) | (s13 ^ 58);
  const y = ((c0 * 10 + c1) * 10 + c2) * 10 + c3;
  const mo = c5 * 10 + c6;
  const d = c8 * 10 + c9;
  const h = c11 * 10 + c12;
  const inHour = msInHour(s); // checks the minutes (c14, c15) and what follows
  if (bad < 0 || separators !== 0 || h > 23 || inHour < 0) return -1;
  const date = y * 10_000 + mo * 100 + d;
  if (date !== parsedDate) {
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return -1;
    parsedDays = civilDays(y, mo, d);
    parsedDate = date;
  }
  const hourStart = parsedDays * DAY_MS + h * 3_600_000;
  // Built from the codes, flat: a sliced or concatenated string would send every compare the slow way.
  // prettier-ignore
  {
    hours.push(
      String.fromCharCode(c0 + 48, c1 + 48, c2 + 48, c3 + 48, s4, c5 + 48, c6 + 48, s7, c8 + 48, c9 + 48, s10, c11 + 48, c12 + 48, s13),
      String.fromCharCode(c0 + 48, c1 + 48, c2 + 48, c3 + 48, s4, c5 + 48, c6 + 48, s7, c8 + 48, c9 + 48, s10, c11 + 48, c12 + 48, s13 + 1),
      hourStart,
    );
    minutes.push(
      String.fromCharCode(c0 + 48, c1 + 48, c2 + 48, c3 + 48, s4, c5 + 48, c6 + 48, s7, c8 + 48, c9 + 48, s10, c11 + 48, c12 + 48, s13, c14, c15, s16),
      String.fromCharCode(c0 + 48, c1 + 48, c2 + 48, c3 + 48, s4, c5 + 48, c6 + 48, s7, c8 + 48, c9 + 48, s10, c11 + 48, c12 + 48, s13, c14, c15, s16 + 1),
      hourStart + ((c14 - 48) * 10 + (c15 - 48)) * 60_000,
    );
  }
  return hourStart + inHour;
}

/** "MM:SS.sssZ" at the end of a canonical timestamp -> milliseconds into its hour, else -1. */
function msInHour(s: string): number {
  const c14 = s.charCodeAt(14) - 48, c15 = s.charCodeAt(15) - 48, s16 = s.charCodeAt(16); // prettier-ignore
  const mi = c14 * 10 + c15;
  const within = msInMinute(s);
  if ((c14 | (9 - c14) | c15 | (9 - c15)) < 0 || s16 !== 58 || mi > 59 || within < 0) return -1;
  return mi * 60_000 + within;
}

/** "SS.sssZ" at the end of a canonical timestamp -> milliseconds into its minute, else -1. */
function msInMinute(s: string): number {
  const c17 = s.charCodeAt(17) - 48, c18 = s.charCodeAt(18) - 48, s19 = s.charCodeAt(19), c20 = s.charCodeAt(20) - 48, c21 = s.charCodeAt(21) - 48, c22 = s.charCodeAt(22) - 48, s23 = s.charCodeAt(23); // prettier-ignore
  const bad = c17 | (9 - c17) | c18 | (9 - c18) | c20 | (9 - c20) | c21 | (9 - c21) | c22 | (9 - c22);
  const se = c17 * 10 + c18;
  if (bad < 0 || ((s19 ^ 46) | (s23 ^ 90)) !== 0 || se > 59) return -1;
  return se * 1000 + c20 * 100 + c21 * 10 + c22;
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
    if (fast >= 0) return new Date(fast);
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
