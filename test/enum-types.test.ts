/** Generated enums are `as const` objects with union types: checked by the typechecker, and at run time. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ChargingChargeMode, LockState } from '../src/index.js';

describe('generated enums', () => {
  it('have literal names and ids', () => {
    expectTypeOf<ChargingChargeMode>().toEqualTypeOf<'immediate' | 'timer_based' | 'inductive' | 'conductive' | 'push_button'>();
    expectTypeOf(ChargingChargeMode.values.timer_based).toEqualTypeOf<1>();
    expectTypeOf<LockState>().toEqualTypeOf<'unlocked' | 'locked'>();
    expect(ChargingChargeMode.values).toEqual({ immediate: 0, timer_based: 1, inductive: 2, conductive: 3, push_button: 4 });
    expect(ChargingChargeMode.disabledInSetter).toEqual(['inductive', 'conductive', 'push_button']);
  });
});
