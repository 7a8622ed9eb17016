/** Codecs of the base types, and builders for enums and unit measurements. Generated code composes these. */
import { decodeUtf8, encodeUtf8 } from './bytes.js';
import type { ValueCodec } from './codec.js';
import { AutoApiError } from './errors.js';
import { readNestedMessage, writeMessage, type Message } from './message.js';
import { countAllowedKeys, messageFromJson, messageToJson, jsonKeys } from './json.js';
import type { Reader } from './reader.js';
import { UNREPRESENTABLE } from './unrepresentable.js';
import { resolveRegistry, type Registry } from './registry.js';
import { describe, numberFromJson, numberToJson, timestampAt, timestampFromJson, timestampToJson, writeTimestamp, type Timestamp } from './values.js';
import type { Writer } from './writer.js';


/** A codec of fixed size also reads at a known offset, with the bounds already checked by its caller. */
export interface FixedCodec<T> extends ValueCodec<T> {
  at(r: Reader, p: number): T;
}

/*
 * Every codec is a plain object built by a literal, its members in the order size, at (fixed sizes only), read,
 * write, toJSON, fromJSON, then an enum's or unit's own. So only a few hidden classes exist, and the runtime's
 * generic calls (`codec.read`, `codec.toJSON`) stay polymorphic instead of megamorphic.
 */
function fixed<T>(size: number, what: string, at: (r: Reader, p: number) => T, rest: Omit<ValueCodec<T>, 'size' | 'read'>): FixedCodec<T> {
  return {
    size,
    at,
    read: (r, end) => at(r, r.takeSome(size, end, what)),
    write: rest.write,
    toJSON: rest.toJSON,
    fromJSON: rest.fromJSON,
  };
}

function invalid(detail: string): AutoApiError {
  return new AutoApiError('INVALID_VALUE', -1, detail);
}

function checkInteger(v: unknown, min: number, max: number, type: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(`expected an integer for ${type}, got ${describe(v)}`);
  if (v < min || v > max) throw invalid(`${v} does not fit ${type} (${min}..${max})`);
  return v;
}

function checkBigInt(v: unknown, min: bigint, max: bigint, type: string): bigint {
  if (typeof v !== 'bigint') throw invalid(`expected a bigint for ${type}, got ${describe(v)}`);
  if (v < min || v > max) throw invalid(`${v} does not fit ${type} (${min}..${max})`);
  return v;
}

const cache = new Map<string, FixedCodec<unknown>>();

/** Unsigned big-endian integer of `size` bytes: a number up to 6 bytes, a bigint for 7 and 8. */
export function uinteger(size: 1 | 2 | 3 | 4 | 5 | 6): FixedCodec<number>;
export function uinteger(size: 7 | 8): FixedCodec<bigint>;
export function uinteger(size: number): FixedCodec<number | bigint> {
  return integerCodec(size, false);
}

/** Signed (two's complement) big-endian integer of `size` bytes. */
export function integer(size: 1 | 2 | 3 | 4 | 5 | 6): FixedCodec<number>;
export function integer(size: 7 | 8): FixedCodec<bigint>;
export function integer(size: number): FixedCodec<number | bigint> {
  return integerCodec(size, true);
}

function integerCodec(size: number, signed: boolean): FixedCodec<number | bigint> {
  const type = `${signed ? 'integer' : 'uinteger'}(${size})`;
  const hit = cache.get(type);
  if (hit) return hit as FixedCodec<number | bigint>;
  let codec: FixedCodec<number | bigint>;
  if (size > 6) {
    const bits = BigInt(size * 8);
    const min = signed ? -(1n << (bits - 1n)) : 0n;
    const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
    codec = fixed<bigint>(size, `a ${type}`, (r, p) => {
      let v = 0n;
      for (let i = 0; i < size; i++) v = (v << 8n) | BigInt(r.bytes[p + i]!);
      return signed ? BigInt.asIntN(size * 8, v) : v;
    }, {
      write(w, v) {
        let x = BigInt.asUintN(size * 8, checkBigInt(v, min, max, type));
        w.ensure(size);
        for (let i = size - 1; i >= 0; i--) {
          w.bytes[w.pos + i] = Number(x & 0xffn);
          x >>= 8n;
        }
        w.pos += size;
      },
      toJSON: (v) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()),
      fromJSON(j) {
        if (typeof j === 'number' && Number.isSafeInteger(j)) return checkBigInt(BigInt(j), min, max, type);
        if (typeof j === 'string' && /^-?\d+$/.test(j)) return checkBigInt(BigInt(j), min, max, type);
        throw invalid(`expected an integer for ${type}, got ${describe(j)}`);
      },
    }) as FixedCodec<number | bigint>;
  } else {
    const range = 2 ** (size * 8);
    const min = signed ? -range / 2 : 0;
    const max = signed ? range / 2 - 1 : range - 1;
    const at =
      size === 1 ? (signed ? (r: Reader, p: number) => r.view.getInt8(p) : (r: Reader, p: number) => r.bytes[p]!)
      : size === 2 ? (signed ? (r: Reader, p: number) => r.view.getInt16(p) : (r: Reader, p: number) => r.view.getUint16(p))
      : size === 4 ? (signed ? (r: Reader, p: number) => r.view.getInt32(p) : (r: Reader, p: number) => r.view.getUint32(p))
      : (r: Reader, p: number) => {
          let v = 0;
          for (let i = 0; i < size; i++) v = v * 256 + r.bytes[p + i]!;
          return signed && v > max ? v - range : v;
        };
    codec = fixed<number>(size, `a ${type}`, at, {
      write(w, v) {
        let x = checkInteger(v, min, max, type);
        if (x < 0) x += range;
        w.ensure(size);
        for (let i = size - 1; i >= 0; i--) {
          w.bytes[w.pos + i] = x % 256;
          x = Math.floor(x / 256);
        }
        w.pos += size;
      },
      toJSON: (v) => v,
      fromJSON: (j) => checkInteger(j, min, max, type),
    }) as FixedCodec<number | bigint>;
  }
  cache.set(type, codec as FixedCodec<unknown>);
  return codec;
}

const CANONICAL_NAN_HI = 0x7ff80000;

function checkNumber(v: unknown, type: string): number {
  if (typeof v !== 'number') throw invalid(`expected a number for ${type}, got ${describe(v)}`);
  return v;
}

export const double: FixedCodec<number> = /*@__PURE__*/ fixed(8, 'a double', (r, p) => {
  const v = r.view.getFloat64(p);
  // A NaN other than the canonical one cannot survive a JS number; keep its bytes instead.
  if (v !== v && (r.view.getUint32(p) !== CANONICAL_NAN_HI || r.view.getUint32(p + 4) !== 0)) throw UNREPRESENTABLE;
  return v;
}, {
  write(w, v) {
    w.ensure(8);
    w.view.setFloat64(w.pos, checkNumber(v, 'a double'));
    w.pos += 8;
  },
  toJSON: numberToJson,
  fromJSON: numberFromJson,
});

export const float: FixedCodec<number> = /*@__PURE__*/ fixed(4, 'a float', (r, p) => {
  const v = r.view.getFloat32(p);
  if (v !== v && r.view.getUint32(p) !== 0x7fc00000) throw UNREPRESENTABLE;
  return v;
}, {
  write(w, v) {
    const x = checkNumber(v, 'a float');
    if (x === x && Math.fround(x) !== x) throw invalid(`${x} is not exactly representable as a 4-byte float`);
    w.ensure(4);
    w.view.setFloat32(w.pos, x);
    w.pos += 4;
  },
  toJSON: numberToJson,
  fromJSON: numberFromJson,
});

export const timestamp: FixedCodec<Timestamp> = /*@__PURE__*/ fixed(8, 'a timestamp', (r, p) => timestampAt(r.view, p), {
  write(w, v) {
    w.ensure(8);
    writeTimestamp(w.view, w.pos, v);
    w.pos += 8;
  },
  toJSON: timestampToJson,
  fromJSON: timestampFromJson,
});

/** UTF-8 text; at the top of a property it takes the whole data component. */
export const string: ValueCodec<string> = {
  size: -1,
  read(r, end) {
    const s = decodeUtf8(r.bytes, r.pos, end);
    if (s === undefined) throw UNREPRESENTABLE;
    r.pos = end;
    return s;
  },
  write(w, v) {
    if (typeof v !== 'string') throw invalid(`expected a string, got ${describe(v)}`);
    if (!w.utf8(v)) throw invalid('the string has a lone surrogate, which UTF-8 cannot carry');
  },
  toJSON: (v) => v,
  fromJSON(j) {
    if (typeof j !== 'string') throw invalid(`expected a string, got ${describe(j)}`);
    // Every string travels inside a 2-byte size (a length prefix or a component size).
    if (j.length > MAX_SIZED / 3 && encodeUtf8(j).length > MAX_SIZED) throw tooLong(encodeUtf8(j).length);
    return j;
  },
};

/** The most bytes a 2-byte size can announce. */
const MAX_SIZED = 0xffff;

function tooLong(size: number): AutoApiError {
  return invalid(`${size} bytes is more than a 2-byte size allows (${MAX_SIZED})`);
}

/** Raw bytes; JSON is an array of byte values, as in the official library. */
export const bytes: ValueCodec<Uint8Array> = {
  size: -1,
  read(r, end) {
    const v = r.bytes.slice(r.pos, end);
    r.pos = end;
    return v;
  },
  write(w, v) {
    if (!(v instanceof Uint8Array)) throw invalid(`expected a Uint8Array, got ${describe(v)}`);
    w.raw(v);
  },
  toJSON: (v) => Array.from(v),
  fromJSON(j) {
    if (!Array.isArray(j) || !j.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) {
      throw invalid(`expected an array of byte values, got ${describe(j)}`);
    }
    if (j.length > MAX_SIZED) throw tooLong(j.length);
    return Uint8Array.from(j as number[]);
  },
};

/**
 * A complete nested message (types.capability_state). The registry is the reader's own when decoding; for
 * writing and JSON the generated code passes the registry of its spec through `registryOf`.
 */
export function capabilityState(registryOf: () => Registry): ValueCodec<Message> {
  return {
    size: -1,
    read(r, end) {
      const outer = r.registry;
      r.registry = resolveRegistry(registryOf());
      try {
        return readNestedMessage(r, end);
      } finally {
        r.registry = outer;
      }
    },
    write(w, v) {
      if (typeof v !== 'object' || v === null) throw invalid(`expected a nested message, got ${describe(v)}`);
      writeMessage(w, registryOf(), v);
    },
    toJSON: (v) => messageToJson(registryOf(), v),
    fromJSON: (j) => messageFromJson(registryOf(), j),
  };
}

export interface EnumCodec<N extends string, V extends Readonly<Record<N, number>> = Readonly<Record<N, number>>> extends FixedCodec<N> {
  /** Case names and their byte values. */
  readonly values: V;
  /** Names a setter must refuse (`disabled_in_setter`). */
  readonly disabledInSetter: readonly N[];
}

export function defineEnum<const V extends Readonly<Record<string, number>>, N extends string = keyof V & string>(
  name: string,
  values: V,
  disabledInSetter: readonly NoInfer<N>[] = [],
  /**
   * The id of a name, else -1: generated, one compare per name. Each enum's own function, so V8 compares
   * interned strings by pointer, where the shared Map lookup below costs two to three times as much.
   */
  idOf?: (v: unknown) => number,
): EnumCodec<N, V> {
  const ids = values as Readonly<Record<string, number>>;
  const names: Array<N | undefined> = new Array(256).fill(undefined);
  // A Map, not `ids[v]`: every enum shares this code, so a keyed load on its object would be megamorphic.
  const byName = new Map<unknown, number>();
  for (const key of Object.keys(ids) as N[]) {
    names[ids[key]!] = key;
    byName.set(key, ids[key]!);
  }
  const lookup = idOf ?? ((v: unknown): number => byName.get(v) ?? -1);
  const byteOf = (v: unknown): number => {
    const id = lookup(v);
    if (id < 0) throw new AutoApiError('UNKNOWN_NAME', -1, `${describe(v)} is not a ${name} value`);
    return id;
  };
  const codec = fixed<N>(1, `a ${name}`, (r, p) => {
      const n = names[r.bytes[p]!];
      if (n === undefined) throw UNREPRESENTABLE;
      return n;
    }, {
      write: (w, v) => w.u8(byteOf(v)),
      toJSON: (v) => v,
      fromJSON(j) {
        byteOf(j);
        return j as N;
      },
    });
  // prettier-ignore
  return { size: codec.size, at: codec.at, read: codec.read, write: codec.write, toJSON: codec.toJSON, fromJSON: codec.fromJSON, values, disabledInSetter };
}

const MEASURED_KEYS = ['unit', 'value'];
/** Equal to no input: the unit cache's value before the first lookup. */
const NO_UNIT = /*@__PURE__*/ Symbol('no unit');

export interface Measured<U extends string> {
  unit: U;
  value: number;
}

export interface UnitDefinition {
  id: number;
  /** Multiply by this (then add `constant`) to get the base unit; or with `inverse`, base = inverse / value. */
  linear?: number;
  constant?: number;
  inverse?: number;
}

export interface MeasurementCodec<U extends string> extends FixedCodec<Measured<U>> {
  readonly id: number;
  readonly units: Readonly<Record<U, UnitDefinition>>;
}

/** Unit types travel as measurement id, unit id and a double: always 10 bytes. */
export function defineMeasurement<U extends string>(name: string, id: number, units: Record<U, UnitDefinition>): MeasurementCodec<U> {
  const names: Array<U | undefined> = new Array(256).fill(undefined);
  const byName = new Map<unknown, number>();
  for (const key of Object.keys(units) as U[]) {
    names[units[key].id] = key;
    byName.set(key, units[key].id);
  }
  // The last unit found: messages of a stream keep their units, and a compare costs less than the Map lookup.
  let lastUnit: unknown = NO_UNIT;
  let lastUnitId = -1;
  const unitId = (u: unknown): number => {
    if (u === lastUnit) return lastUnitId;
    const id = byName.get(u);
    if (id === undefined) throw new AutoApiError('UNKNOWN_NAME', -1, `${describe(u)} is not a unit of ${name}`);
    lastUnit = u;
    lastUnitId = id;
    return id;
  };
  const codec = fixed<Measured<U>>(10, `a ${name} value`, (r, p) => {
      const unit = names[r.bytes[p + 1]!];
      if (r.bytes[p] !== id || unit === undefined) throw UNREPRESENTABLE;
      return { unit, value: double.at(r, p + 2) };
    }, {
      write(w, v) {
        if (typeof v !== 'object' || v === null) throw invalid(`expected {unit, value} of ${name}, got ${describe(v)}`);
        const u = unitId(v.unit);
        const value = checkNumber(v.value, 'a double');
        w.ensure(10);
        w.bytes[w.pos] = id;
        w.bytes[w.pos + 1] = u;
        w.view.setFloat64(w.pos + 2, value);
        w.pos += 10;
      },
      toJSON: (v) => ({ unit: v.unit, value: numberToJson(v.value) }),
      fromJSON(j) {
        const o = j as Record<string, unknown>;
        // The usual {unit, value}, in either order, is checked without listing its keys.
        if (countAllowedKeys(j, MEASURED_KEYS) !== 2) {
          for (const k of jsonKeys(j, `a ${name} value`)) if (k !== 'unit' && k !== 'value') throw new AutoApiError('UNKNOWN_NAME', -1, `unexpected key "${k}"`, k);
          if (!('value' in o)) throw invalid('missing value');
        }
        unitId(o.unit);
        return { unit: o.unit as U, value: numberFromJson(o.value) };
      },
    });
  // prettier-ignore
  return { size: codec.size, at: codec.at, read: codec.read, write: codec.write, toJSON: codec.toJSON, fromJSON: codec.fromJSON, id, units };
}

/**
 * Converts between units of one measurement through its base unit (the one with factor 1):
 * linear units: base = value * linear + constant; inverse units: base = inverse / value.
 */
export function convertMeasured<U extends string>(measurement: MeasurementCodec<U>, measured: Measured<U>, to: U): Measured<U> {
  const from = measurement.units[measured.unit];
  const target = measurement.units[to];
  if (from === undefined) throw new AutoApiError('UNKNOWN_NAME', -1, `${describe(measured.unit)} is not a unit of this measurement`);
  if (target === undefined) throw new AutoApiError('UNKNOWN_NAME', -1, `${describe(to)} is not a unit of this measurement`);
  if (typeof measured.value !== 'number') throw invalid(`expected a number, got ${describe(measured.value)}`);
  const isBase = (u: UnitDefinition) => (u.linear ?? u.inverse) === 1 && !u.constant;
  const base =
    from.inverse !== undefined && !isBase(from) ? from.inverse / measured.value : measured.value * (from.linear ?? 1) + (from.constant ?? 0);
  const value =
    target.inverse !== undefined && !isBase(target) ? target.inverse / base : (base - (target.constant ?? 0)) / (target.linear ?? 1);
  return { unit: to, value };
}
