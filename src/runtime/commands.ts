/**
 * Commands (SPEC.md "getters", "setters", "availability"): request messages that list property ids, and
 * setters that send typed inputs plus constants. Generated code describes each; this builds the bytes.
 */
import { tablesOf, type CapabilityCodec, type PropertyCodec } from './codec.js';
import { AutoApiError, rethrowWithin } from './errors.js';
import { VERSION, writePropertyData } from './message.js';
import type { Registry } from './registry.js';
import { describe } from './values.js';
import { Writer } from './writer.js';

/** Requires at least one of the keys of T (setters with only optional inputs). */
export type AtLeastOne<T> = { [K in keyof T]-?: Required<Pick<T, K>> & Partial<Omit<T, K>> }[keyof T];

export interface SetterSpec {
  name: string;
  /** Input keys (camelCase) that must be given. */
  mandatory: readonly string[];
  optional: readonly string[];
  /** Properties sent with fixed data-component bytes. */
  constants: ReadonlyArray<readonly [id: number, data: readonly number[]]>;
}

export interface CommandBuilder {
  /** A get (0x00) or availability (0x02) request: all state properties, or those named. */
  request(type: 'get' | 'availability', keys?: readonly string[]): Uint8Array;
  set(spec: SetterSpec, input: unknown): Uint8Array;
}

export function commandBuilder(cap: CapabilityCodec, registry: () => Registry, stateKeys: readonly string[]): CommandBuilder {
  const header = (w: Writer, type: number) => {
    w.u8(VERSION);
    w.u16(cap.id);
    w.u8(type);
  };
  const byKey = (key: unknown, where: string): PropertyCodec => {
    const codec = typeof key === 'string' ? tablesOf(cap).byKey.get(key) : undefined;
    if (!codec) throw new AutoApiError('UNKNOWN_NAME', -1, `${cap.name} has no property ${describe(key)}`, where);
    return codec;
  };
  return {
    request(type, keys = []) {
      const w = new Writer(4 + keys.length);
      header(w, type === 'get' ? 0x00 : 0x02);
      for (const key of keys) {
        const codec = byKey(key, cap.name);
        if (!stateKeys.includes(codec.key)) {
          throw new AutoApiError('INVALID_VALUE', -1, `${codec.name} is not a state property of ${cap.name}`, `${cap.name}.${codec.name}`);
        }
        w.u8(codec.id);
      }
      return w.finish();
    },
    set(spec, input) {
      const path = `${cap.name}.${spec.name}`;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new AutoApiError('INVALID_VALUE', -1, `expected the inputs of ${spec.name} as an object, got ${describe(input)}`, path);
      }
      const given = input as Record<string, unknown>;
      for (const key of Object.keys(given)) {
        if (!spec.mandatory.includes(key) && !spec.optional.includes(key)) {
          throw new AutoApiError('UNKNOWN_NAME', -1, `${spec.name} takes no input ${key}`, `${path}.${key}`);
        }
      }
      for (const key of spec.mandatory) {
        if (given[key] === undefined) throw new AutoApiError('INVALID_VALUE', -1, `${spec.name} needs ${key}`, `${path}.${byKey(key, path).name}`);
      }
      if (spec.mandatory.length === 0 && spec.constants.length === 0 && !spec.optional.some((k) => given[k] !== undefined)) {
        throw new AutoApiError('INVALID_VALUE', -1, `${spec.name} needs at least one of ${spec.optional.join(', ')}`, path);
      }
      const w = new Writer();
      header(w, 0x01);
      for (const key of [...spec.mandatory, ...spec.optional]) {
        const value = given[key];
        if (value === undefined) continue;
        const codec = byKey(key, path);
        const values = codec.multiple ? value : [value];
        if (!Array.isArray(values) || values.length === 0) {
          throw new AutoApiError('INVALID_VALUE', -1, `${key} is multiple: expected a non-empty array`, `${path}.${codec.name}`);
        }
        values.forEach((v, i) => {
          try {
            const disabled = (codec.value as { disabledInSetter?: readonly string[] }).disabledInSetter;
            if (disabled?.includes(v as string)) {
              throw new AutoApiError('INVALID_VALUE', -1, `${String(v)} is not allowed in a setter`);
            }
            writePropertyData(w, registry(), codec, v);
          } catch (e) {
            rethrowWithin(e, `${path}.${codec.name}${codec.multiple ? `[${i}]` : ''}`);
          }
        });
      }
      for (const [id, data] of spec.constants) {
        w.u8(id);
        w.u16(3 + data.length);
        w.u8(0x01);
        w.u16(data.length);
        w.raw(Uint8Array.from(data));
      }
      return w.finish();
    },
  };
}
