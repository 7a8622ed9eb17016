/**
 * Switching the generated paths (readState, stateToJson, stateFromJson of each capability module) away, or
 * wrapping them, for the length of one call: tests compare them with the general paths they stand in for.
 */
import { registry } from '../../src/index.js';
import { resolveRegistry, type CapabilityCodec, type UsualPaths } from '../../src/runtime/index.js';

export type MutableCapability = { -readonly [K in keyof CapabilityCodec]: CapabilityCodec[K] };

export const capabilities = [...resolveRegistry(registry).byId.values()] as MutableCapability[];

/** Runs `fn` with the generated paths of each of `caps` replaced by what `replace` makes of them. */
export function withUsual<T>(caps: readonly MutableCapability[], replace: (own: UsualPaths) => UsualPaths | undefined, fn: () => T): T {
  const saved = caps.map((c) => c.usual!);
  caps.forEach((c, i) => (c.usual = replace(saved[i]!)));
  try {
    return fn();
  } finally {
    caps.forEach((c, i) => (c.usual = saved[i]));
  }
}

/** Runs `fn` with the generated paths of every capability taken away, so that only the general paths run. */
export function generalOnly<T>(fn: () => T): T {
  return withUsual(capabilities, () => undefined, fn);
}
