import type { CapabilityCodec, ValueCodec } from './codec.js';

/** What a spec provides to the framing code: its capabilities and the types of the failure/availability components. */
export interface Registry {
  readonly byId: ReadonlyMap<number, CapabilityCodec>;
  readonly byName: ReadonlyMap<string, CapabilityCodec>;
  readonly failure: ValueCodec<unknown>;
  readonly availability: ValueCodec<unknown>;
}

export function defineRegistry(
  capabilities: readonly CapabilityCodec[],
  failure: ValueCodec<unknown>,
  availability: ValueCodec<unknown>,
): Registry {
  return {
    byId: new Map(capabilities.map((c) => [c.id, c])),
    byName: new Map(capabilities.map((c) => [c.name, c])),
    failure,
    availability,
  };
}
