import type { Json, StateInProgress } from './json.js';
import type { Reader } from './reader.js';
import type { Registry } from './registry.js';
import type { Timestamp, Unknown } from './values.js';
import type { Writer } from './writer.js';

/** How one type travels: generated for every base, enum, unit and custom type of a spec. */
export interface ValueCodec<T> {
  /** Bytes on the wire when fixed, -1 when the size varies (string, bytes, dynamic custom types). */
  readonly size: number;
  /** Reads from `r.pos`. A fixed-size codec reads exactly `size` bytes; a variable one reads up to `end`. */
  read(r: Reader, end: number): T;
  write(w: Writer, value: T): void;
  toJSON(value: T): unknown;
  fromJSON(json: unknown): T;
}

export interface PropertyCodec {
  readonly id: number;
  /** snake_case name, as in the spec and in JSON. */
  readonly name: string;
  /** camelCase name, the key in a typed state. */
  readonly key: string;
  readonly multiple: boolean;
  readonly value: ValueCodec<unknown>;
}

/** A capability's lookup tables, built on first use. */
export interface CapabilityTables {
  /** Properties of this capability followed by the universal ones. */
  readonly properties: readonly PropertyCodec[];
  readonly byId: ReadonlyArray<PropertyCodec | undefined>;
  readonly byName: ReadonlyMap<string, PropertyCodec>;
  readonly byKey: ReadonlyMap<string, PropertyCodec>;
}

export interface CapabilityCodec extends CapabilityTables {
  readonly id: number;
  readonly name: string;
  /**
   * Puts a decoded property into a state: generated per capability, so each store is a plain field
   * assignment. False when a single-valued property is already there.
   */
  readonly store: (state: object, id: number, property: AnyProperty) => boolean;
  /** Generated straight-line paths for states in the usual shape; undefined in code generated before them. */
  readonly usual: UsualPaths | undefined;
  /** The tables once built; the runtime reads them through `tablesOf`, a plain field load. */
  built: CapabilityTables | undefined;
  /** Builds the property list; a thunk, see defineCapability. */
  readonly propertyList: () => readonly PropertyCodec[];
}

/** The tables of a capability, built on first call. */
export function tablesOf(cap: CapabilityCodec): CapabilityTables {
  return cap.built ?? buildTables(cap);
}

function buildTables(cap: CapabilityCodec): CapabilityTables {
  const list = cap.propertyList();
  const byId: Array<PropertyCodec | undefined> = new Array(256).fill(undefined);
  for (const p of list) byId[p.id] = p;
  return (cap.built = { properties: list, byId, byName: new Map(list.map((p) => [p.name, p])), byKey: new Map(list.map((p) => [p.key, p])) });
}

/**
 * A capability's generated paths for the usual case, with every codec named directly so that V8 sees one
 * shape per call site. The runtime keeps the general paths, which take every other case and report errors.
 */
export interface UsualPaths {
  /**
   * Reads the properties in `[start, end)` into a new state, pushing each id onto `order`, when every one is
   * of this capability and of the usual shape (data, maybe an 8-byte timestamp); else undefined.
   */
  read(r: Reader, start: number, end: number, order: number[]): object | undefined;
  /**
   * The JSON body of a state, key by key, while its keys meet `order` (see nextInOrder); undefined as soon as
   * they do not, and the general path runs.
   */
  json(registry: Registry, tables: CapabilityTables, state: object, order: readonly number[]): Record<string, Json> | undefined;
  /**
   * Builds a state from its JSON body (a plain object) into `into`, key by key; each key it does not take
   * goes to `propertyFromJsonKey`, the general path. Undefined in code generated before it.
   */
  fromJson?(registry: Registry, cap: CapabilityCodec, body: Record<string, unknown>, into: StateInProgress): void;
}

export interface UnknownComponent {
  id: number;
  bytes: Uint8Array;
}

/**
 * One property occurrence: each component is optional. Components this spec level does not define are kept
 * in `unknownComponents`; `componentOrder` records the wire order when it is not ascending by id.
 */
export interface PropertyOf<T, F, A> {
  data?: T;
  timestamp?: Timestamp;
  failure?: F;
  availability?: A;
  unknownComponents?: UnknownComponent[];
  componentOrder?: number[];
}

export type AnyProperty = PropertyOf<unknown, unknown, unknown>;

/** A property whose id the capability does not define (or a capability this spec level does not know). */
export interface UnknownProperty extends PropertyOf<Unknown, unknown, unknown> {
  id: number;
}

/**
 * A capability's codec. `properties` is a thunk, called on first use: generated modules import each other in a
 * cycle (through nested states), and a bundler may run a module before the ones whose codecs its table names.
 */
export function defineCapability(
  id: number,
  name: string,
  properties: () => readonly PropertyCodec[],
  store: (state: never, id: number, property: never) => boolean,
  // Code generated before UsualPaths passes nothing here, or a function (its JSON store, no longer used).
  usual?: UsualPaths | ((...args: never[]) => unknown),
): CapabilityCodec {
  return new Capability(id, name, store as CapabilityCodec['store'], typeof usual === 'object' ? usual : undefined, properties);
}

/**
 * A class, not a literal: V8 keeps an object literal with getters in dictionary mode, where every load of a field
 * (`built`, `usual`, `id`) is a hash lookup through the generic load IC. Here the getters live on the prototype
 * and each capability has the same fast shape.
 */
class Capability implements CapabilityCodec {
  built: CapabilityTables | undefined = undefined;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly store: CapabilityCodec['store'],
    readonly usual: UsualPaths | undefined,
    readonly propertyList: () => readonly PropertyCodec[],
  ) {}

  get properties(): readonly PropertyCodec[] {
    return tablesOf(this).properties;
  }

  get byId(): ReadonlyArray<PropertyCodec | undefined> {
    return tablesOf(this).byId;
  }

  get byName(): ReadonlyMap<string, PropertyCodec> {
    return tablesOf(this).byName;
  }

  get byKey(): ReadonlyMap<string, PropertyCodec> {
    return tablesOf(this).byKey;
  }
}
