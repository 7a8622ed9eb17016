/** Helpers the generated custom-type codecs call: prefixed items, and item names in error paths. */
import type { ValueCodec } from './codec.js';
import { AutoApiError, rethrowWithin } from './errors.js';
import { countAllowedKeys, jsonKeys } from './json.js';
import { UNREPRESENTABLE } from './unrepresentable.js';
import type { Reader } from './reader.js';
import { describe } from './values.js';
import type { Writer } from './writer.js';

/** A variable-size item inside a custom type: u16 length, then the item. */
export function readPrefixed<T>(r: Reader, end: number, codec: ValueCodec<T>, name: string): T {
  const itemEnd = r.prefixed(end, name);
  let value: T;
  try {
    value = codec.read(r, itemEnd);
  } catch (e) {
    if (e !== UNREPRESENTABLE) throw e;
    r.unrepresentable = true; // noted; the framing of what follows is still checked
    r.pos = itemEnd;
    return undefined as T;
  }
  r.expectEnd(itemEnd, name);
  return value;
}

/** A fixed-size item inside a variable-size custom type. */
export function readItem<T>(r: Reader, end: number, codec: ValueCodec<T>): T {
  const start = r.pos;
  try {
    return codec.read(r, end);
  } catch (e) {
    if (e !== UNREPRESENTABLE) throw e;
    r.unrepresentable = true;
    r.pos = start + codec.size;
    return undefined as T;
  }
}

export function checkObject(v: unknown, type: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new AutoApiError('INVALID_VALUE', -1, `expected ${type} as an object, got ${describe(v)}`);
  }
}

/** A custom type's item, refusing a missing one. */
export function present<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new AutoApiError('INVALID_VALUE', -1, `missing ${name}`);
  return value;
}

/** The JSON object of a custom type, refusing keys that are not its items and items that are missing. */
export function customJson(json: unknown, type: string, items: readonly string[]): Record<string, unknown> {
  // The usual case, exactly the items, is told from the key count alone.
  if (countAllowedKeys(json, items) !== items.length) {
    for (const key of jsonKeys(json, type)) {
      if (!items.includes(key)) throw new AutoApiError('UNKNOWN_NAME', -1, `${type} has no item "${key}"`, key);
    }
    for (const item of items) if (!(item in (json as object))) throw new AutoApiError('INVALID_VALUE', -1, `missing ${item}`, item);
  }
  return json as Record<string, unknown>;
}
