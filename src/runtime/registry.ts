import type { CapabilityCodec, ValueCodec } from './codec.js';

/** What a spec provides to the framing code: its capabilities and the types of the failure/availability components. */
export interface Registry {
  readonly byId: ReadonlyMap<number, CapabilityCodec>;
  readonly byName: ReadonlyMap<string, CapabilityCodec>;
  readonly failure: ValueCodec<unknown>;
  readonly availability: ValueCodec<unknown>;
  /** A lazy registry's plain form (see lazyRegistry); absent on a plain one. */
  readonly resolve?: () => Registry;
}

/**
 * The plain form of a registry: entry points resolve theirs once, so that the framing code only ever reads
 * data fields of one kind of object, never getters.
 */
export function resolveRegistry(registry: Registry): Registry {
  return registry.resolve === undefined ? registry : registry.resolve();
}

// The capability `capabilityNamed` found last, and where: a message names one capability, a Map lookup by a
// string costs about 150 instructions, and a stream of messages mostly repeats a few capabilities.
let lastRegistry: Registry | undefined;
let lastName: unknown;
let lastCapability: CapabilityCodec | undefined;

/** `registry.byName.get(name)` for a resolved registry. */
export function capabilityNamed(registry: Registry, name: unknown): CapabilityCodec | undefined {
  if (name === lastName && registry === lastRegistry) return lastCapability;
  const cap = registry.byName.get(name as string);
  if (cap !== undefined) {
    lastRegistry = registry;
    lastName = name;
    lastCapability = cap;
  }
  return cap;
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
    resolve: undefined,
  };
}

/**
 * A registry built on first use. Generated code needs this: nested states make capability modules and the
 * registry import each other, and bundlers may evaluate the registry before the capabilities it lists.
 */
export function lazyRegistry(load: () => [readonly CapabilityCodec[], ValueCodec<unknown>, ValueCodec<unknown>]): Registry {
  return new LazyRegistry(load);
}

/**
 * A class, not a literal with getters: V8 keeps such a literal in dictionary mode, and every entry point loads
 * `resolve` from it (see Capability in codec.ts).
 */
class LazyRegistry implements Registry {
  private built: Registry | undefined = undefined;
  readonly resolve: () => Registry;

  constructor(load: () => [readonly CapabilityCodec[], ValueCodec<unknown>, ValueCodec<unknown>]) {
    this.resolve = () => (this.built ??= defineRegistry(...load()));
  }

  get byId(): ReadonlyMap<number, CapabilityCodec> {
    return this.resolve().byId;
  }

  get byName(): ReadonlyMap<string, CapabilityCodec> {
    return this.resolve().byName;
  }

  get failure(): ValueCodec<unknown> {
    return this.resolve().failure;
  }

  get availability(): ValueCodec<unknown> {
    return this.resolve().availability;
  }
}
