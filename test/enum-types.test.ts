/** Generated enums are `as const` objects with union types: checked by the typechecker, and at run time. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as library from '../src/index.js';
import { ChargingChargeMode, LockState } from '../src/index.js';
import { AutoApiError, Writer, type EnumCodec } from '../src/runtime/index.js';
import { model } from './support/spec.js';

describe('generated enums', () => {
  it('have literal names and ids', () => {
    expectTypeOf<ChargingChargeMode>().toEqualTypeOf<'immediate' | 'timer_based' | 'inductive' | 'conductive' | 'push_button'>();
    expectTypeOf(ChargingChargeMode.values.timer_based).toEqualTypeOf<1>();
    expectTypeOf<LockState>().toEqualTypeOf<'unlocked' | 'locked'>();
    expect(ChargingChargeMode.values).toEqual({ immediate: 0, timer_based: 1, inductive: 2, conductive: 3, push_button: 4 });
    expect(ChargingChargeMode.disabledInSetter).toEqual(['inductive', 'conductive', 'push_button']);
  });

  it('write each name as its id, and refuse anything else (each enum looks names up in generated compares)', () => {
    const enums = (Object.values(library) as unknown[]).filter((v): v is EnumCodec<string, Record<string, number>> => typeof v === 'object' && v !== null && 'values' in v && 'disabledInSetter' in v);
    const allNames = new Set(enums.flatMap((e) => Object.keys(e.values)));
    expect(enums.length).toBeGreaterThanOrEqual(model.enums.length);
    const byteOf = (e: (typeof enums)[number], v: unknown): number | string => {
      const w = new Writer(4);
      try {
        e.write(w, v as never);
      } catch (err) {
        return (err as AutoApiError).code;
      }
      expect(w.pos).toBe(1);
      return w.bytes[0]!;
    };
    for (const e of enums) {
      for (const [name, id] of Object.entries(e.values)) {
        expect(byteOf(e, name), name).toBe(id);
        expect(e.fromJSON(name)).toBe(name);
        // The same name built at run time: not interned, so compared by its characters.
        expect(byteOf(e, [...name].join('')), name).toBe(id);
      }
      const others = [...allNames].filter((n) => !(n in e.values));
      for (const v of [...others, '', 'constructor', '__proto__', 'toString', 'valueOf', 0, 1, null, undefined, {}, ['x']]) {
        expect(byteOf(e, v), String(v)).toBe('UNKNOWN_NAME');
      }
    }
  });
});
