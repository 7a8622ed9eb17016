/**
 * fast-check arbitraries derived from the resolved spec model (test/support/spec.ts): a value for every TypeRef,
 * a property with a random subset of components, set and request messages of every capability, and the same
 * messages built directly as bytes (without our encoder). Nothing is listed by hand, so a capability added to
 * spec/ is covered without touching this file.
 *
 * In-memory values follow src/: integers are numbers (bigint from 7 bytes), timestamps Date (bigint beyond the
 * Date range), enums case names, units {unit, value}, custom types objects keyed by `nameCased`, nested states
 * messages, and bytes the typed form cannot hold `Unknown`.
 */
import fc from 'fast-check';
import { fixedSize, type CapabilityDef, type PropertyDef, type TypeRef } from '../../codegen/model.js';
import { Unknown, type RequestMessage, type StateMessage, type UnknownComponent, type UnknownProperty } from '../../src/index.js';
import { model } from './spec.js';

export type AnyMessage = StateMessage | RequestMessage;

/** One property occurrence, as src/ holds it. */
export interface Property {
  data?: unknown;
  timestamp?: Date | bigint;
  failure?: unknown;
  availability?: unknown;
  unknownComponents?: UnknownComponent[];
  componentOrder?: number[];
}

export interface ArbOptions {
  /** How many capability_state levels may still nest below this point (0: none). Default 2. */
  depth?: number;
  /** Keep every occurrence of a property id together on the wire: the only order the JSON form can express. */
  grouped?: boolean;
  /** Also generate `Unknown` where a type has bytes its typed form cannot hold. Default true. */
  unknowns?: boolean;
  /** Allow unknown component id 0x00 (decode marks a property starting with it as out of order; see properties.test.ts). */
  componentZero?: boolean;
}

type Opts = Required<ArbOptions>;
/** Only the known fields, so that e.g. `include` of a message does not leak into its nested messages. */
const defaults = (o: ArbOptions = {}): Opts => ({
  depth: o.depth ?? 2,
  grouped: o.grouped ?? false,
  unknowns: o.unknowns ?? true,
  componentZero: o.componentZero ?? true,
});

/** Component ids of the wire format (not part of the model). */
export const COMPONENT = { data: 0x01, timestamp: 0x02, failure: 0x03, availability: 0x05 } as const;
const KNOWN_COMPONENTS: readonly number[] = Object.values(COMPONENT);

export const VERSION = model.version;
export const MAX_DATE_MS = 8.64e15;
const capabilityById = new Map(model.capabilities.map((c) => [c.id, c]));

// ------------------------------------------------------------------------------------------- small helpers

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** Uniform over a list; constantFrom would favour its first entries. */
const oneOf = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.integer({ min: 0, max: items.length - 1 }).map((i) => items[i]!);
const permutation = <T>(items: T[]): fc.Arbitrary<T[]> => fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length });
const isAscending = (ids: readonly number[]): boolean => ids.every((id, i) => i === 0 || id > ids[i - 1]!);

/**
 * Arbitraries are built once per model object (type, property, capability) and options, then reused: building
 * them costs far more than drawing from them, and a run draws thousands of values.
 */
const memoCache = new WeakMap<object, Map<string, unknown>>();
const GLOBAL = {};
function memo<T>(owner: object | undefined, key: string, build: () => T): T {
  const o = owner ?? GLOBAL;
  let cache = memoCache.get(o);
  if (!cache) memoCache.set(o, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, build());
  return cache.get(key) as T;
}
const optionsKey = (o: Opts): string => `${o.depth}|${o.grouped}|${o.unknowns}|${o.componentZero}`;

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const f64 = (v: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v);
  return b;
};
const f32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v);
  return b;
};
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** A TLV: id, u16 size, bytes. */
export const tlv = (id: number, body: Uint8Array): Uint8Array => concat([id], u16(body.length), body);

/** The properties a capability can hold: its own and the universal ones. */
export const propertiesOf = (cap: CapabilityDef): PropertyDef[] => [...cap.properties, ...model.universal];
const nests = (t: TypeRef): boolean => t.kind === 'capability_state';

/** Property ids a capability does not define (any id for an unknown capability). */
function unknownPropertyIds(cap: CapabilityDef | undefined): number[] {
  const known = new Set(cap ? propertiesOf(cap).map((p) => p.id) : []);
  return range(256).filter((id) => !known.has(id));
}

/** Capability ids the spec does not define. */
export const unknownCapabilityId: fc.Arbitrary<number> = fc.integer({ min: 0, max: 0xffff }).filter((id) => !capabilityById.has(id));

// ------------------------------------------------------------------------------------------- values

/** Strings of any valid code points, short and long (past the ASCII fast path of 32 bytes). */
export const stringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 30, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 12, maxLength: 40 }) },
);

export const dateArb: fc.Arbitrary<Date> = fc.date({ min: new Date(0), max: new Date(MAX_DATE_MS), noInvalidDate: true });

/** u64 milliseconds: a Date within its range, now and then a bigint beyond it (which src/ keeps as bigint). */
export const timestampArb: fc.Arbitrary<Date | bigint> = fc.oneof(
  { weight: 9, arbitrary: dateArb },
  { weight: 1, arbitrary: fc.bigInt({ min: BigInt(MAX_DATE_MS) + 1n, max: (1n << 64n) - 1n }) },
);

function integerArb(kind: 'uinteger' | 'integer', size: number): fc.Arbitrary<number | bigint> {
  const bits = BigInt(size * 8);
  const min = kind === 'integer' ? -(1n << (bits - 1n)) : 0n;
  const max = kind === 'integer' ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  const big = fc.bigInt({ min, max });
  return size > 6 ? big : big.map(Number);
}

/** A value of type `t` in its in-memory form. */
export function valueArb(t: TypeRef, options?: ArbOptions): fc.Arbitrary<unknown> {
  const o = defaults(options);
  return memo(t, `value ${optionsKey(o)}`, () => buildValueArb(t, o));
}

function buildValueArb(t: TypeRef, o: Opts): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'uinteger':
    case 'integer':
      return integerArb(t.kind, t.size);
    case 'float':
      return fc.float(); // float32 values, with -0, NaN and ±Infinity
    case 'double':
      return fc.double(); // with -0, NaN and ±Infinity
    case 'timestamp':
      return timestampArb;
    case 'string':
      return stringArb;
    case 'bytes':
      return fc.uint8Array({ maxLength: 24 });
    case 'enum':
      return oneOf(t.def.cases.map((c) => c.name));
    case 'unit':
      return fc.record({ unit: oneOf(t.def.units.map((u) => u.name)), value: fc.double() });
    case 'custom':
      return fc.record(Object.fromEntries(t.def.items.map((item) => [item.nameCased, valueArb(item.type, o)])));
    case 'capability_state':
      if (o.depth <= 0) throw new Error('capability_state below the depth limit: the caller should have left it out');
      return messageArb({ ...o, depth: o.depth - 1 });
  }
}

/** A component of type `t`: mostly its typed value, with `options.unknowns` now and then bytes it cannot hold. */
export function componentValueArb(t: TypeRef, options?: ArbOptions): fc.Arbitrary<unknown> {
  const o = defaults(options);
  return memo(t, `component ${optionsKey(o)}`, () => {
    const value = valueArb(t, o);
    const bad = o.unknowns ? unrepresentableBytes(t) : undefined;
    return bad ? fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: bad.map((b) => new Unknown(b)) }) : value;
  });
}

// ------------------------------------------------------------------------------------------- bytes

/** Invalid UTF-8 between valid text: stray continuation, invalid byte, overlong, surrogate, past U+10FFFF, cut short. */
const invalidUtf8: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.string({ unit: 'binary', maxLength: 4 }),
    fc.constantFrom([0x80], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]),
    fc.string({ unit: 'binary', maxLength: 4 }),
  )
  .map(([a, bad, b]) => concat(utf8(a), bad, utf8(b)));

/** NaN bit patterns other than the one a JS number writes (0x7ff8000000000000 / 0x7fc00000). */
function nanPayload(size: 4 | 8): fc.Arbitrary<Uint8Array> {
  const canonical = size === 8 ? [0x7f, 0xf8, 0, 0, 0, 0, 0, 0] : [0x7f, 0xc0, 0, 0];
  const exponent = size === 8 ? 0xf0 : 0x80; // low bits of the exponent in the second byte
  return fc
    .uint8Array({ minLength: size, maxLength: size })
    .map((b) => {
      const out = Uint8Array.from(b);
      out[0] = (b[0]! & 0x80) | 0x7f;
      out[1] = b[1]! | exponent;
      return out;
    })
    .filter((b) => (b[1]! & ~exponent & 0xff) !== 0 || b.subarray(2).some((x) => x !== 0)) // mantissa != 0: NaN, not Infinity
    .filter((b) => !b.every((x, i) => x === canonical[i]));
}

/** Well-formed bytes of type `t` as they appear in a data component (or an item of a custom type), built by hand. */
export function validBytes(t: TypeRef, depth = 1): fc.Arbitrary<Uint8Array> {
  return memo(t, `valid ${depth}`, () => buildValidBytes(t, depth));
}

function buildValidBytes(t: TypeRef, depth: number): fc.Arbitrary<Uint8Array> {
  switch (t.kind) {
    case 'uinteger':
    case 'integer':
      return fc.uint8Array({ minLength: t.size, maxLength: t.size });
    case 'float':
      return fc.float().map(f32);
    case 'double':
      return fc.double().map(f64);
    case 'timestamp':
      return fc.uint8Array({ minLength: 8, maxLength: 8 }); // any u64 is a timestamp
    case 'string':
      return stringArb.map(utf8);
    case 'bytes':
      return fc.uint8Array({ maxLength: 24 });
    case 'enum':
      return oneOf(t.def.cases.map((c) => Uint8Array.of(c.id)));
    case 'unit': {
      const id = t.def.id;
      return fc.tuple(oneOf(t.def.units.map((u) => u.id)), fc.double()).map(([unit, v]) => concat([id, unit], f64(v)));
    }
    case 'custom':
      return customBytes(t, -1, undefined);
    case 'capability_state':
      return wireMessageArb({ depth: depth - 1 });
  }
}

/** A custom type's bytes; item `bad` (if >= 0) from `badBytes`, the others valid. Variable-size items carry a u16 prefix. */
function customBytes(t: Extract<TypeRef, { kind: 'custom' }>, bad: number, badBytes: fc.Arbitrary<Uint8Array> | undefined): fc.Arbitrary<Uint8Array> {
  const items = t.def.items.map((item, i) => {
    const arb = i === bad ? badBytes! : validBytes(item.type);
    return fixedSize(item.type) === undefined ? arb.map((b) => concat(u16(b.length), b)) : arb;
  });
  return fc.tuple(...items).map((parts) => concat(...parts));
}

/**
 * Well-formed bytes of type `t` that its typed form cannot hold, so that src/ keeps them as `Unknown`: an enum byte
 * or unit the spec does not define, a NaN payload, invalid UTF-8; in a custom type, one such item among valid ones.
 * Undefined for types where every well-formed value is representable.
 */
export function unrepresentableBytes(t: TypeRef): fc.Arbitrary<Uint8Array> | undefined {
  return memo(t, 'unrepresentable', () => buildUnrepresentableBytes(t));
}

function buildUnrepresentableBytes(t: TypeRef): fc.Arbitrary<Uint8Array> | undefined {
  switch (t.kind) {
    case 'float':
      return nanPayload(4);
    case 'double':
      return nanPayload(8);
    case 'string':
      return invalidUtf8;
    case 'enum': {
      const used = new Set(t.def.cases.map((c) => c.id));
      const free = range(256).filter((id) => !used.has(id));
      return free.length ? oneOf(free).map((id) => Uint8Array.of(id)) : undefined;
    }
    case 'unit': {
      const id = t.def.id;
      const used = new Set(t.def.units.map((u) => u.id));
      const any8 = fc.uint8Array({ minLength: 8, maxLength: 8 });
      return fc.oneof(
        fc.tuple(fc.integer({ min: 0, max: 255 }).filter((m) => m !== id), fc.integer({ min: 0, max: 255 }), any8).map(([m, u, v]) => concat([m, u], v)),
        fc.tuple(oneOf(range(256).filter((u) => !used.has(u))), any8).map(([u, v]) => concat([id, u], v)),
        fc.tuple(oneOf([...used]), nanPayload(8)).map(([u, v]) => concat([id, u], v)),
      );
    }
    case 'custom': {
      const options = t.def.items.flatMap((item, i) => {
        const bad = unrepresentableBytes(item.type);
        return bad ? [customBytes(t, i, bad)] : [];
      });
      return options.length ? fc.oneof(...options) : undefined;
    }
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------------------- properties

function unknownComponentArb(o: Opts): fc.Arbitrary<UnknownComponent> {
  const ids = range(256).filter((id) => !KNOWN_COMPONENTS.includes(id) && (o.componentZero || id !== 0));
  return fc.record({ id: oneOf(ids), bytes: fc.uint8Array({ maxLength: 12 }) });
}

/**
 * A property with a random subset of data/timestamp/failure/availability/unknown components, in a random order
 * (`withData`: data always among them).
 */
export function propertyArb(data: fc.Arbitrary<unknown>, options?: ArbOptions & { withData?: boolean }): fc.Arbitrary<Property> {
  const o = defaults(options);
  // What vehicles send most, data alone or data and a timestamp, has short paths of its own in src/: a third of
  // the properties take those shapes, which a random subset of five components would rarely give.
  const usual = fc.record({ data, timestamp: timestampArb }, { requiredKeys: ['data'] });
  return fc.oneof({ arbitrary: usual as fc.Arbitrary<Property>, weight: 1 }, { arbitrary: anyComponents(data, o, options?.withData), weight: 2 });
}

function anyComponents(data: fc.Arbitrary<unknown>, o: Opts, withData: boolean | undefined): fc.Arbitrary<Property> {
  return fc
    .record(
      {
        data,
        timestamp: timestampArb,
        failure: componentValueArb(model.components.failure, o),
        availability: componentValueArb(model.components.availability, o),
        unknownComponents: fc.uniqueArray(unknownComponentArb(o), { minLength: 1, maxLength: 2, selector: (c) => c.id }),
      },
      { requiredKeys: withData ? ['data'] : [] },
    )
    .chain((p) => {
      const ids = [
        ...(Object.entries(COMPONENT) as Array<[keyof typeof COMPONENT, number]>).filter(([name]) => p[name] !== undefined).map(([, id]) => id),
        ...(p.unknownComponents ?? []).map((c) => c.id),
      ];
      return permutation(ids).map((order) => {
        const prop: Property = { ...p };
        // src/ keeps unknown components in wire order, and the order itself only when it is not ascending.
        if (p.unknownComponents) prop.unknownComponents = order.flatMap((id) => p.unknownComponents!.filter((c) => c.id === id));
        if (!isAscending(order)) prop.componentOrder = order;
        return prop;
      });
    });
}

// ------------------------------------------------------------------------------------------- messages

/** One property occurrence on the wire. `key` is the state key, undefined for an unknown property id. */
interface WireItem {
  id: number;
  key: string | undefined;
  multiple: boolean;
  prop: Property;
}

/** The occurrences of `p` in a message: one, or 1-3 for a multiple property (`withData`: each with data). */
function occurrences(p: PropertyDef, o: Opts, withData = false): fc.Arbitrary<WireItem[]> {
  return memo(p, `occurrences ${withData} ${optionsKey(o)}`, () => buildOccurrences(p, o, withData));
}

function buildOccurrences(p: PropertyDef, o: Opts, withData: boolean): fc.Arbitrary<WireItem[]> {
  const one = propertyArb(componentValueArb(p.type, o), { ...o, withData }).map((prop): WireItem => ({ id: p.id, key: p.nameCased, multiple: p.multiple, prop }));
  return p.multiple ? fc.array(one, { minLength: 1, maxLength: 3 }) : one.map((w) => [w]);
}

function unknownOccurrences(cap: CapabilityDef | undefined, o: Opts, maxLength: number): fc.Arbitrary<WireItem[][]> {
  return memo(cap, `unknown ${maxLength} ${optionsKey(o)}`, () => buildUnknownOccurrences(cap, o, maxLength));
}

function buildUnknownOccurrences(cap: CapabilityDef | undefined, o: Opts, maxLength: number): fc.Arbitrary<WireItem[][]> {
  const ids = unknownPropertyIds(cap);
  const item = fc.record({ id: oneOf(ids), prop: propertyArb(fc.uint8Array({ maxLength: 12 }).map((b) => new Unknown(b)), o) });
  return fc.array(item, { maxLength }).map((items) => {
    // Occurrences of one unknown id form one group, in the order generated.
    const groups = new Map<number, WireItem[]>();
    for (const { id, prop } of items) groups.set(id, [...(groups.get(id) ?? []), { id, key: undefined, multiple: true, prop }]);
    return [...groups.values()];
  });
}

/** Puts groups of occurrences in a random wire order; interleaved unless `grouped`. */
function wireOrderArb(groups: WireItem[][], o: Opts): fc.Arbitrary<WireItem[]> {
  return o.grouped ? permutation(groups).map((g) => g.flat()) : permutation(groups.flat());
}

function buildState(cap: CapabilityDef | undefined, capabilityId: number, wire: WireItem[]): StateMessage {
  const state: Record<string, unknown> = {};
  const unknownProperties: UnknownProperty[] = [];
  for (const w of wire) {
    if (w.key === undefined) unknownProperties.push({ ...(w.prop as UnknownProperty), id: w.id });
    else if (w.multiple) ((state[w.key] ??= []) as Property[]).push(w.prop);
    else state[w.key] = w.prop;
  }
  const message: StateMessage = { type: 'set', capability: cap?.name, capabilityId, state };
  if (unknownProperties.length > 0) message.unknownProperties = unknownProperties;
  message.wireOrder = wire.map((w) => w.id);
  return message;
}

/**
 * A set message of `cap` (undefined: a capability the spec does not define, all of whose properties are unknown)
 * with up to three random properties besides `include`, plus now and then unknown property ids.
 */
export function stateMessageArb(cap: CapabilityDef | undefined, options?: ArbOptions & { include?: PropertyDef }): fc.Arbitrary<StateMessage> {
  const o = defaults(options);
  const include = options?.include;
  return memo(cap, `state ${include?.id ?? ''} ${optionsKey(o)}`, () => buildStateMessageArb(cap, o, include));
}

function buildStateMessageArb(cap: CapabilityDef | undefined, o: Opts, include: PropertyDef | undefined): fc.Arbitrary<StateMessage> {
  if (!cap) {
    return fc
      .tuple(unknownCapabilityId, unknownOccurrences(undefined, o, 4))
      .chain(([id, groups]) => wireOrderArb(groups, o).map((wire) => buildState(undefined, id, wire)));
  }
  const eligible = propertiesOf(cap).filter((p) => p !== include && (o.depth > 0 || !nests(p.type)));
  return fc
    .subarray(eligible, { maxLength: Math.min(3, eligible.length) })
    .chain((defs) => {
      const chosen = include ? [include, ...defs] : defs;
      // The property a test is about always carries data, so that few runs still exercise its type.
      return fc.tuple(fc.tuple(...chosen.map((p) => occurrences(p, o, p === include))), unknownOccurrences(cap, o, 2));
    })
    .chain(([known, unknown]) => wireOrderArb([...known, ...unknown], o))
    .map((wire) => buildState(cap, cap.id, wire));
}

/** A get or availability request: distinct ids (a single-valued id twice is an error), mostly ones the capability defines. */
export function requestMessageArb(cap?: CapabilityDef): fc.Arbitrary<RequestMessage> {
  return memo(cap, 'request', () => (cap ? requestOf(cap) : fc.option(oneOf(model.capabilities), { nil: undefined }).chain(requestOf)));
}

function requestOf(c: CapabilityDef | undefined): fc.Arbitrary<RequestMessage> {
  return memo(c, 'request of', () => {
    const known = c ? propertiesOf(c).map((p) => p.id) : [];
    const anyId = fc.integer({ min: 0, max: 255 });
    const id = known.length ? fc.oneof({ weight: 3, arbitrary: oneOf(known) }, { weight: 1, arbitrary: anyId }) : anyId;
    return fc.record({
      type: fc.constantFrom('get' as const, 'availability' as const),
      capability: fc.constant(c?.name),
      capabilityId: c ? fc.constant(c.id) : unknownCapabilityId,
      propertyIds: fc.uniqueArray(id, { maxLength: 6 }),
    });
  });
}

/** Any message, as nested in a capability_state: mostly set messages of spec capabilities. */
export function messageArb(options?: ArbOptions): fc.Arbitrary<AnyMessage> {
  const o = defaults(options);
  return memo(undefined, `message ${optionsKey(o)}`, () =>
    fc.oneof(
      { weight: 4, arbitrary: oneOf(model.capabilities).chain((c) => stateMessageArb(c, o)) },
      { weight: 1, arbitrary: requestMessageArb() },
      { weight: 1, arbitrary: stateMessageArb(undefined, o) },
    ),
  );
}

// ------------------------------------------------------------------------------------------- wire messages

/** Component bytes of a property of type `t` (undefined: unknown property), each component at most once, any order. */
function wirePropertyBody(t: TypeRef | undefined, depth: number): fc.Arbitrary<Uint8Array> {
  return memo(t, `wire body ${depth}`, () => buildWirePropertyBody(t, depth));
}

function buildWirePropertyBody(t: TypeRef | undefined, depth: number): fc.Arbitrary<Uint8Array> {
  const value = (type: TypeRef): fc.Arbitrary<Uint8Array> => {
    const bad = unrepresentableBytes(type);
    const good = validBytes(type, depth);
    return bad ? fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: bad }) : good;
  };
  const unknownIds = range(256).filter((id) => !KNOWN_COMPONENTS.includes(id));
  return fc
    .record(
      {
        data: t ? value(t) : fc.uint8Array({ maxLength: 12 }),
        timestamp: fc.uint8Array({ minLength: 8, maxLength: 8 }),
        failure: value(model.components.failure),
        availability: value(model.components.availability),
        unknown: fc.uniqueArray(fc.record({ id: oneOf(unknownIds), bytes: fc.uint8Array({ maxLength: 8 }) }), { minLength: 1, maxLength: 2, selector: (c) => c.id }),
      },
      { requiredKeys: [] },
    )
    .chain((c) => {
      const parts: Uint8Array[] = [];
      for (const name of ['data', 'timestamp', 'failure', 'availability'] as const) {
        const bytes = c[name];
        if (bytes) parts.push(tlv(COMPONENT[name], bytes));
      }
      for (const u of c.unknown ?? []) parts.push(tlv(u.id, u.bytes));
      return permutation(parts).map((p) => concat(...p));
    });
}

/**
 * A well-formed set or request message built directly as bytes from the model, not through our encoder: decode must
 * accept it and encode must give the same bytes back.
 */
export function wireMessageArb(options: { depth?: number; capability?: CapabilityDef } = {}): fc.Arbitrary<Uint8Array> {
  const depth = options.depth ?? 1;
  if (options.capability) return wireMessageOf(options.capability, depth);
  return memo(undefined, `wire ${depth}`, () => fc.option(oneOf(model.capabilities), { nil: undefined, freq: 4 }).chain((c) => wireMessageOf(c, depth)));
}

function wireMessageOf(cap: CapabilityDef | undefined, depth: number): fc.Arbitrary<Uint8Array> {
  return memo(cap, `wire of ${depth}`, () => {
    const header = (id: number, type: number) => concat([VERSION], u16(id), [type]);
    const idArb = cap ? fc.constant(cap.id) : unknownCapabilityId;
    const request = fc
      .tuple(idArb, fc.constantFrom(0x00, 0x02), fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }))
      .map(([id, type, ids]) => concat(header(id, type), ids));
    const defs = cap ? propertiesOf(cap).filter((p) => depth > 0 || !nests(p.type)) : [];
    const occurrencesOf = (p: PropertyDef) =>
      memo(p, `wire occurrences ${depth}`, () => fc.array(wirePropertyBody(p.type, depth).map((b) => tlv(p.id, b)), { minLength: 1, maxLength: p.multiple ? 2 : 1 }));
    const known = fc.subarray(defs, { maxLength: Math.min(4, defs.length) }).chain((ps) => fc.tuple(...ps.map(occurrencesOf)));
    const unknown = fc.array(fc.tuple(oneOf(unknownPropertyIds(cap)), wirePropertyBody(undefined, depth)).map(([id, b]) => tlv(id, b)), { maxLength: 2 });
    const state = fc
      .tuple(idArb, known, unknown)
      .chain(([id, k, u]) => permutation([...k.flat(), ...u]).map((props) => concat(header(id, 0x01), ...props)));
    return fc.oneof({ weight: 4, arbitrary: state }, { weight: 1, arbitrary: request });
  });
}

// ------------------------------------------------------------------------------------------- layout

export interface Layout {
  /** Offsets where a top-level property ends (and the header ends): a prefix cut there is a valid shorter message. */
  boundaries: number[];
  /** Offsets of every u16 size on the wire: properties, components, prefixed items, in nested messages too. */
  sizeFields: number[];
}

/** Walks a well-formed message with the model (independently of src/) to find its property ends and size fields. */
export function layoutOf(bytes: Uint8Array): Layout {
  const layout: Layout = { boundaries: [], sizeFields: [] };
  walkMessage(bytes, 0, bytes.length, layout, true);
  return layout;
}

const size16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;

function walkMessage(b: Uint8Array, start: number, end: number, layout: Layout, top: boolean): void {
  if (end - start < 4 || b[start] !== VERSION || b[start + 3] !== 0x01) return;
  const cap = capabilityById.get(size16(b, start + 1));
  const defs = cap ? propertiesOf(cap) : [];
  let p = start + 4;
  if (top) layout.boundaries.push(p);
  while (end - p >= 3) {
    const def = defs.find((d) => d.id === b[p]);
    layout.sizeFields.push(p + 1);
    const pe = p + 3 + size16(b, p + 1);
    if (pe > end) return;
    for (let c = p + 3; pe - c >= 3; ) {
      const ce = c + 3 + size16(b, c + 1);
      layout.sizeFields.push(c + 1);
      if (ce > pe) break;
      const type = b[c] === COMPONENT.data ? def?.type : b[c] === COMPONENT.failure ? model.components.failure : b[c] === COMPONENT.availability ? model.components.availability : undefined;
      if (type) walkValue(b, type, c + 3, ce, layout);
      c = ce;
    }
    p = pe;
    if (top) layout.boundaries.push(p);
  }
}

/** Returns where the value ends (its end when it takes all that is left). */
function walkValue(b: Uint8Array, t: TypeRef, start: number, end: number, layout: Layout): number {
  if (t.kind === 'capability_state') walkMessage(b, start, end, layout, false);
  if (t.kind !== 'custom') return fixedSize(t) === undefined ? end : start + fixedSize(t)!;
  let p = start;
  for (const item of t.def.items) {
    const n = fixedSize(item.type);
    if (n !== undefined) {
      p += n;
    } else {
      if (end - p < 2) return end;
      layout.sizeFields.push(p);
      const ie = Math.min(end, p + 2 + size16(b, p));
      walkValue(b, item.type, p + 2, ie, layout);
      p = ie;
    }
  }
  return p;
}
