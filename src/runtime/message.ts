/**
 * Message framing: header, property TLVs and components. Generic over the capabilities of a Registry;
 * the values themselves are read and written by generated codecs.
 *
 *   message   = 0x0d | capability id u16 | type u8 | payload
 *   property  = id u8 | size u16 | component*        (set: payload is properties; get/availability: property ids)
 *   component = id u8 | size u16 | bytes             (0x01 data, 0x02 timestamp, 0x03 failure, 0x05 availability)
 */
import {
  tablesOf,
  type AnyProperty,
  type CapabilityCodec,
  type CapabilityTables,
  type PropertyCodec,
  type PropertyOf,
  type UnknownComponent,
  type UnknownProperty,
  type UsualPaths,
} from './codec.js';
import { AutoApiError, rethrowWithin, truncated } from './errors.js';
import { DEFAULT_MAX_DEPTH, Reader } from './reader.js';
import { capabilityNamed, resolveRegistry, type Registry } from './registry.js';
import { timestampAt, Unknown, writeTimestamp, type Timestamp } from './values.js';
import { UNREPRESENTABLE } from './unrepresentable.js';
import { finishInPool, releasePool, writeIntoPool, Writer } from './writer.js';

export const VERSION = 0x0d;
export const MESSAGE_TYPES = ['get', 'set', 'availability'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** A message type's byte (its index in MESSAGE_TYPES), else -1. Compares, not indexOf: a call into a builtin. */
export function messageTypeByte(type: unknown): number {
  return type === 'set' ? 1 : type === 'get' ? 0 : type === 'availability' ? 2 : -1;
}

export const COMPONENT = { data: 0x01, timestamp: 0x02, failure: 0x03, availability: 0x05 } as const;
const COMPONENT_NAMES: Record<number, string> = { 1: 'data', 2: 'timestamp', 3: 'failure', 5: 'availability' };

export interface DecodeIssue {
  code: AutoApiError['code'];
  offset: number;
  path: string;
  message: string;
}

/** A set (0x01) message: the state of a capability, or a setter. */
export interface StateMessage<State = object> {
  type: 'set';
  /** snake_case name; undefined for a capability this spec level does not know. */
  capability: string | undefined;
  capabilityId: number;
  state: State;
  /** Properties this spec level does not define, in wire order. */
  unknownProperties?: UnknownProperty[];
  /**
   * Property ids in the order they were on the wire, so that encode reproduces the bytes exactly.
   * The n-th occurrence of an id stands for the n-th item of that property. Properties not listed are
   * written after the listed ones, in the order of the state's keys.
   */
  wireOrder?: number[];
  /** Only with `{ lenient: true }`: what was skipped and why. */
  issues?: DecodeIssue[];
}

/** A get (0x00) or availability (0x02) request: a list of property ids, empty for all. */
export interface RequestMessage {
  type: 'get' | 'availability';
  capability: string | undefined;
  capabilityId: number;
  propertyIds: number[];
  issues?: DecodeIssue[];
}

export type Message = StateMessage | RequestMessage;

/** The largest `maxDepth` accepted: deep enough for any real message, shallow enough for any JS stack. */
export const MAX_DEPTH_LIMIT = 64;

export interface DecodeOptions {
  /** Keep every well-formed property and list the malformed ones in `issues` instead of throwing. */
  lenient?: boolean;
  /** How deeply capability_state values may nest (default 8, at most 64). */
  maxDepth?: number;
}

export function decodeMessage(registry: Registry, bytes: Uint8Array, options?: DecodeOptions): Message {
  if (!(bytes instanceof Uint8Array)) throw new AutoApiError('INVALID_INPUT', -1, 'expected a Uint8Array');
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  // Each level costs a few stack frames; past this the JS stack, not the limit, would end the recursion.
  if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > MAX_DEPTH_LIMIT) {
    throw new AutoApiError('INVALID_INPUT', -1, `maxDepth must be an integer from 0 to ${MAX_DEPTH_LIMIT}`);
  }
  const r = new Reader(bytes, resolveRegistry(registry), maxDepth);
  const issues: DecodeIssue[] | undefined = options?.lenient ? [] : undefined;
  let message: Message;
  try {
    message = readMessage(r, 0, bytes.length, issues);
  } catch (e) {
    // A safety net only: the depth limit keeps recursion far below any stack's size.
    if (e instanceof RangeError) throw new AutoApiError('DEPTH_LIMIT', r.pos, 'the input nests deeper than the stack allows');
    throw e;
  }
  if (issues) message.issues = issues;
  return message;
}

/** Reads the message in `[start, end)`; used for the outermost message and for nested capability states. */
export function readMessage(r: Reader, start: number, end: number, issues?: DecodeIssue[]): Message {
  const b = r.bytes;
  if (start < end && b[start] !== VERSION) throw badVersion(start, b[start]!);
  if (end - start < 4) throw truncated(start, 4, end - start, 'the message header');
  const capabilityId = (b[start + 1]! << 8) | b[start + 2]!;
  const typeByte = b[start + 3]!;
  const cap = r.registry.byId.get(capabilityId);
  const capName = cap ? cap.name : capabilityKey(capabilityId);
  if (typeByte === 0x01) return readState(r, cap, capabilityId, start + 4, end, issues);
  if (typeByte === 0x00 || typeByte === 0x02) {
    const propertyIds = Array.from(b.subarray(start + 4, end));
    try {
      if (cap) checkRequestIds(cap, propertyIds, start + 4);
    } catch (e) {
      rethrowWithin(e, capName);
    }
    return { type: typeByte === 0 ? 'get' : 'availability', capability: cap?.name, capabilityId, propertyIds };
  }
  throw new AutoApiError('UNKNOWN_MESSAGE_TYPE', start + 3, `message type 0x${hex2(typeByte)} is not get, set or availability`, capName);
}

function badVersion(at: number, got: number): AutoApiError {
  return new AutoApiError('BAD_VERSION', at, `version byte is 0x${hex2(got)}, expected 0x0d (level 13)`);
}

function checkRequestIds(cap: CapabilityCodec, ids: readonly number[], at: number): void {
  const seen = new Set<number>();
  ids.forEach((id, i) => {
    const p = tablesOf(cap).byId[id];
    if (p && !p.multiple) {
      if (seen.has(id)) throw new AutoApiError('REPEATED_PROPERTY', at < 0 ? -1 : at + i, `${p.name} is asked for twice`, p.name);
      seen.add(id);
    }
  });
}

function readState(
  r: Reader,
  cap: CapabilityCodec | undefined,
  capabilityId: number,
  start: number,
  end: number,
  issues: DecodeIssue[] | undefined,
): StateMessage {
  if (cap !== undefined && cap.usual !== undefined && issues === undefined && !r.general) {
    const order: number[] = [];
    const state = readUsualState(r, cap.usual, start, end, order);
    if (state !== undefined) return stateMessage(cap.name, capabilityId, state, undefined, order);
  }
  const b = r.bytes;
  const view = r.view;
  const state: Record<string, unknown> = {};
  const wireOrder: number[] = [];
  let unknownProperties: UnknownProperty[] | undefined;
  const capName = cap ? cap.name : capabilityKey(capabilityId);
  const byId = cap ? tablesOf(cap).byId : undefined;
  let p = start;
  while (p < end) {
    if (end - p < 3) {
      const e = truncated(p, 3, end - p, 'a property header').within(capName);
      if (!issues) throw e;
      issues.push(issueOf(e));
      break;
    }
    const id = b[p]!;
    const size = view.getUint16(p + 1);
    const codec = byId?.[id];
    const pe = p + 3 + size;
    if (pe > end) {
      const index = codec?.multiple ? `[${(state[codec.key] as unknown[] | undefined)?.length ?? 0}]` : '';
      const e = truncated(p + 3, size, end - p - 3, `property 0x${hex2(id)}`).within(`${capName}.${codec ? codec.name : propertyKey(id)}${index}`);
      if (!issues) throw e;
      issues.push(issueOf(e));
      break;
    }
    try {
      if (codec === undefined) {
        const unknown = readProperty(r, undefined, p + 3, pe) as UnknownProperty;
        unknown.id = id;
        (unknownProperties ??= []).push(unknown);
      } else {
        let prop: AnyProperty;
        try {
          prop = readProperty(r, codec, p + 3, pe);
        } catch (e) {
          rethrowWithin(e, codec.multiple ? `[${(state[codec.key] as unknown[] | undefined)?.length ?? 0}]` : '');
        }
        if (!cap!.store(state, id, prop)) {
          throw new AutoApiError('REPEATED_PROPERTY', p, `${codec.name} is not multiple but appears again`);
        }
      }
      wireOrder.push(id);
    } catch (e) {
      if (!(e instanceof AutoApiError)) throw e;
      e.within(`${capName}.${codec ? codec.name : propertyKey(id)}`);
      if (!issues || e.code === 'DEPTH_LIMIT') throw e;
      issues.push(issueOf(e));
    }
    p = pe;
  }
  return stateMessage(cap?.name, capabilityId, state, unknownProperties, wireOrder);
}

/** One literal for both readers, so that their messages share one hidden class. */
function stateMessage(
  capability: string | undefined,
  capabilityId: number,
  state: object,
  unknownProperties: UnknownProperty[] | undefined,
  wireOrder: number[],
): StateMessage {
  const message: StateMessage = { type: 'set', capability, capabilityId, state };
  if (unknownProperties) message.unknownProperties = unknownProperties;
  message.wireOrder = wireOrder;
  return message;
}

/**
 * A state read by the capability's generated reader, or undefined when it met anything unusual (or wrong):
 * the general reader then reads the state again and reports, with full paths, whatever is wrong.
 */
function readUsualState(r: Reader, usual: UsualPaths, start: number, end: number, order: number[]): object | undefined {
  try {
    const state = usual.read(r, start, end, order);
    if (state !== undefined) return state;
  } catch {
    // Reported by the general reader, which meets the same error.
  }
  r.general = true;
  return undefined;
}

/**
 * For the generated readers: when the property at `p` (its header) is data alone or data then an 8-byte
 * timestamp, within `end`, returns where the data starts and sets `r.dataEnd`, `r.stamp` and `r.next`;
 * else -1.
 */
export function usualData(r: Reader, p: number, end: number): number {
  const b = r.bytes;
  const view = r.view;
  if (end - p < 6 || b[p + 3] !== COMPONENT.data) return -1;
  const next = p + 3 + view.getUint16(p + 1);
  const dataEnd = p + 6 + view.getUint16(p + 4);
  if (next > end) return -1;
  if (dataEnd === next) {
    r.stamp = undefined;
  } else if (dataEnd + 11 === next && b[dataEnd] === COMPONENT.timestamp && b[dataEnd + 1] === 0 && b[dataEnd + 2] === 8) {
    r.stamp = timestampAt(view, dataEnd + 3);
  } else {
    return -1;
  }
  r.dataEnd = dataEnd;
  r.next = next;
  r.unrepresentable = false;
  return p + 6;
}

/** A property of the usual shape; one literal per shape for both readers, so that each shape has one hidden class. */
export function usual<T>(data: T, timestamp: Timestamp | undefined): PropertyOf<T, never, never> {
  return timestamp === undefined ? { data } : { data, timestamp };
}

function issueOf(e: AutoApiError): DecodeIssue {
  return { code: e.code, offset: e.offset, path: e.path, message: e.detail };
}

function readProperty(r: Reader, codec: PropertyCodec | undefined, start: number, end: number): AnyProperty {
  const b = r.bytes;
  const view = r.view;
  // The usual shapes, data alone or data then an 8-byte timestamp, told from the framing (the property's header
  // is just before `start`) by the same test as the generated readers', and built as one literal. Anything
  // else takes the loop below, which reads every case.
  if (codec !== undefined) {
    const d = usualData(r, start - 3, end);
    if (d >= 0) {
      const timestamp = r.stamp; // read first: a nested message in the data sets r.stamp again
      const dataEnd = r.dataEnd;
      r.pos = d;
      return usual(readComponent(r, codec.value, dataEnd, 'data'), timestamp);
    }
  }
  const prop: AnyProperty = {};
  let p = start;
  let last = -1;
  let order: number[] | undefined; // only once the components turn out not to be in ascending order
  while (p < end) {
    if (end - p < 3) throw truncated(p, 3, end - p, 'a component header');
    const cid = b[p]!;
    const ce = p + 3 + view.getUint16(p + 1);
    if (ce > end) throw truncated(p + 3, ce - p - 3, end - p - 3, `component 0x${hex2(cid)}`).within(componentName(cid));
    r.pos = p + 3;
    switch (cid) {
      case COMPONENT.data:
        if (prop.data !== undefined) throw duplicateComponent(p, cid);
        prop.data = codec === undefined ? new Unknown(b.slice(p + 3, ce)) : readComponent(r, codec.value, ce, 'data');
        break;
      case COMPONENT.timestamp:
        if (prop.timestamp !== undefined) throw duplicateComponent(p, cid);
        if (ce - p - 3 !== 8) throw badSize(p + 3, 8, ce - p - 3, 'a timestamp').within('timestamp');
        prop.timestamp = timestampAt(view, p + 3);
        break;
      case COMPONENT.failure:
        if (prop.failure !== undefined) throw duplicateComponent(p, cid);
        prop.failure = readComponent(r, r.registry.failure, ce, 'failure');
        break;
      case COMPONENT.availability:
        if (prop.availability !== undefined) throw duplicateComponent(p, cid);
        prop.availability = readComponent(r, r.registry.availability, ce, 'availability');
        break;
      default: {
        const list = (prop.unknownComponents ??= []);
        if (list.some((c) => c.id === cid)) throw duplicateComponent(p, cid);
        list.push({ id: cid, bytes: b.slice(p + 3, ce) });
      }
    }
    // Up to here they were ascending, so the ones seen so far, sorted, are the order they came in.
    if (order === undefined && cid <= last) order = presentComponents(prop).filter((c) => c !== cid);
    if (order !== undefined) order.push(cid);
    last = cid;
    p = ce;
  }
  if (order !== undefined) prop.componentOrder = order;
  return prop;
}

/** Reads one component's value; what the typed model cannot hold exactly stays as its bytes. */
function readComponent(r: Reader, codec: { size: number; read(r: Reader, end: number): unknown }, end: number, name: string): unknown {
  const start = r.pos;
  r.unrepresentable = false;
  try {
    if (codec.size >= 0 && end - start !== codec.size) throw badSize(start, codec.size, end - start, `the ${name}`);
    const value = codec.read(r, end);
    r.expectEnd(end, `the ${name}`);
    if (r.unrepresentable) throw UNREPRESENTABLE;
    return value;
  } catch (e) {
    if (e === UNREPRESENTABLE) {
      r.unrepresentable = false;
      return new Unknown(r.bytes.slice(start, end));
    }
    // A nested message names its own capability; the component name would only be noise there.
    if (e instanceof AutoApiError && nestedErrors.has(e)) throw e;
    rethrowWithin(e, name);
  }
}

/** Errors raised inside a nested message, whose path already starts with that message's capability. */
const nestedErrors = new WeakSet<AutoApiError>();

/** Reads a complete nested message (types.capability_state), within the depth limit. */
export function readNestedMessage(r: Reader, end: number): Message {
  const start = r.pos;
  if (r.depth >= r.maxDepth) {
    const e = new AutoApiError('DEPTH_LIMIT', start, `capability states nested deeper than ${r.maxDepth} levels`);
    nestedErrors.add(e);
    throw e;
  }
  r.depth++;
  try {
    const message = readMessage(r, start, end);
    r.pos = end;
    return message;
  } catch (e) {
    if (e instanceof AutoApiError) nestedErrors.add(e);
    throw e;
  } finally {
    r.depth--;
  }
}

function duplicateComponent(at: number, cid: number): AutoApiError {
  return new AutoApiError('DUPLICATE_COMPONENT', at, `component 0x${hex2(cid)} appears twice`).within(componentName(cid));
}

function badSize(at: number, size: number, got: number, what: string): AutoApiError {
  if (got < size) return truncated(at, size, got, what);
  return new AutoApiError('BAD_SIZE', at, `${what} takes ${size} bytes, ${got} given`);
}

function componentName(cid: number): string {
  return COMPONENT_NAMES[cid] ?? `0x${hex2(cid)}`;
}

export function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** JSON key of a property id the spec does not define, e.g. "0x7f". */
export function propertyKey(id: number): string {
  return `0x${hex2(id)}`;
}

/** JSON key of a capability id the spec does not define, e.g. "0x1234". */
export function capabilityKey(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------------- encoding

/**
 * Visits the properties of a state message in the order they are to be written: `wireOrder` first, then
 * anything it does not account for (a state built or changed by hand), in the order of the state's keys.
 * `index` is the position within a multiple property (or among unknown properties of that id), else -1.
 */
export function forEachProperty(
  cap: CapabilityCodec | undefined,
  message: StateMessage,
  visit: (id: number, codec: PropertyCodec | undefined, property: AnyProperty, index: number) => void,
): void {
  const state = message.state as Record<string, unknown>;
  const unknown = message.unknownProperties;
  const capName = cap ? cap.name : capabilityKey(message.capabilityId);
  // Items visited so far, by property id. Pooled: typed arrays are costly to allocate, and visits nest.
  const used = usedPool.pop() ?? new Uint32Array(256);
  try {
    visitInOrder(cap, message, state, unknown, capName, used, visit);
  } finally {
    used.fill(0);
    usedPool.push(used);
  }
}

const usedPool: Uint32Array[] = [];

/** The wire order a walk of the state's keys must meet, when such a walk may stand in for the general visit. */
export function keyOrderOf(message: StateMessage): readonly number[] | undefined {
  const unknown = message.unknownProperties;
  return unknown === undefined || unknown.length === 0 ? message.wireOrder : undefined;
}

/**
 * For walks of a state's keys that must meet `wireOrder` as they go (encode's and toJSON's shortcut, taken for
 * states as decode and fromJSON build them): the codec of `key` when its property comes next in `order`, at
 * `p`, with a multiple property's items all in a row; then the walk moves `p` past them. Null when it does not
 * come next: the general visit must run. Undefined for an empty multiple property, which has no place in
 * wireOrder: the walk goes on.
 */
export function nextInOrder(tables: CapabilityTables, order: readonly number[], p: number, key: string, value: unknown): PropertyCodec | null | undefined {
  // An array index and a compare of two interned strings, where looking the key up would hash it.
  const codec = p < order.length ? tables.byId[order[p]!] : undefined;
  if (codec !== undefined && codec.key === key) {
    if (!codec.multiple) return codec;
    if (!Array.isArray(value)) return null;
    for (let i = 1; i < value.length; i++) if (order[p + i] !== codec.id) return null;
    return codec;
  }
  return Array.isArray(value) && value.length === 0 && tables.byKey.get(key)?.multiple ? undefined : null;
}

function visitInOrder(
  cap: CapabilityCodec | undefined,
  message: StateMessage,
  state: Record<string, unknown>,
  unknown: UnknownProperty[] | undefined,
  capName: string,
  used: Uint32Array,
  visit: (id: number, codec: PropertyCodec | undefined, property: AnyProperty, index: number) => void,
): void {
  let unknownUsed: boolean[] | undefined;
  let visited = 0; // items of the state visited through wireOrder
  const byId = cap ? tablesOf(cap).byId : undefined;

  if (message.wireOrder) {
    let nextUnknown = 0;
    for (const id of message.wireOrder) {
      const codec = byId?.[id];
      if (codec !== undefined && visitKnown(codec, state, used, capName, visit)) {
        visited++;
        continue;
      }
      if (unknown !== undefined && nextUnknown < unknown.length && unknown[nextUnknown]!.id === id) {
        unknownUsed = visitUnknown(cap, unknown, nextUnknown++, unknownUsed, capName, visit);
      }
    }
  }
  // What wireOrder did not account for (a state built or changed by hand) follows in key order. Usually it
  // accounted for everything, which counting the state's items shows without looking any key up.
  let total = 0;
  for (const key in state) {
    const value = state[key];
    if (value !== undefined) total += Array.isArray(value) ? value.length : 1;
  }
  if (total !== visited) {
    for (const key in state) {
      if (state[key] === undefined) continue;
      const codec = cap && tablesOf(cap).byKey.get(key);
      if (!codec) throw new AutoApiError('UNKNOWN_NAME', -1, `${capName} has no property ${key}`, `${capName}.${key}`);
      while (visitKnown(codec, state, used, capName, visit));
    }
  }
  if (unknown) for (let i = 0; i < unknown.length; i++) if (!unknownUsed?.[i]) unknownUsed = visitUnknown(cap, unknown, i, unknownUsed, capName, visit);
}

/** Visits the next item of a known property, if there is one left. */
function visitKnown(
  codec: PropertyCodec,
  state: Record<string, unknown>,
  used: Uint32Array,
  capName: string,
  visit: (id: number, codec: PropertyCodec | undefined, property: AnyProperty, index: number) => void,
): boolean {
  const value = state[codec.key];
  if (value === undefined) return false;
  const n = used[codec.id]!;
  if (!codec.multiple) {
    if (n > 0) return false;
    used[codec.id] = 1;
    visit(codec.id, codec, value as AnyProperty, -1);
    return true;
  }
  if (!Array.isArray(value)) {
    throw new AutoApiError('INVALID_VALUE', -1, `${codec.name} is multiple: expected an array`, `${capName}.${codec.name}`);
  }
  if (n >= value.length) return false;
  used[codec.id] = n + 1;
  visit(codec.id, codec, value[n] as AnyProperty, n);
  return true;
}

function visitUnknown(
  cap: CapabilityCodec | undefined,
  unknown: UnknownProperty[],
  i: number,
  unknownUsed: boolean[] | undefined,
  capName: string,
  visit: (id: number, codec: PropertyCodec | undefined, property: AnyProperty, index: number) => void,
): boolean[] {
  const usedList = unknownUsed ?? new Array<boolean>(unknown.length).fill(false);
  usedList[i] = true;
  const u = unknown[i]!;
  const defined = cap && tablesOf(cap).byId[u.id];
  if (defined) {
    // Its bytes would be read back as that property: it belongs in the state.
    throw new AutoApiError('INVALID_VALUE', -1, `unknown property 0x${hex2(u.id)} is ${defined.name}: put it in the state`, `${capName}.${propertyKey(u.id)}`);
  }
  if (!Number.isInteger(u.id) || u.id < 0 || u.id > 255) {
    throw new AutoApiError('INVALID_VALUE', -1, `unknown property id ${String(u.id)} is not a byte`, capName);
  }
  let k = 0;
  for (let j = 0; j < i; j++) if (unknown[j]!.id === u.id) k++;
  visit(u.id, undefined, u, k);
  return usedList;
}

// The writer of top-level encodes: it writes into the result pool (see writeIntoPool).
const pooled = /*@__PURE__*/ new Writer(0);

export function encodeMessage(registry: Registry, message: Message): Uint8Array {
  if (typeof message !== 'object' || message === null) {
    throw new AutoApiError('INVALID_INPUT', -1, 'expected a message object');
  }
  if (!writeIntoPool(pooled)) {
    // An encode started from inside another (a custom codec, a getter) gets a writer of its own.
    const w = new Writer(4096);
    writeMessage(w, registry, message);
    return w.finish();
  }
  let out: Uint8Array | undefined;
  try {
    writeMessage(pooled, registry, message);
    out = finishInPool(pooled);
  } finally {
    if (out === undefined) releasePool(pooled);
  }
  return out;
}

export function writeMessage(w: Writer, lazy: Registry, message: Message): void {
  const registry = resolveRegistry(lazy);
  const cap = resolveCapability(registry, message);
  const id = cap ? cap.id : message.capabilityId;
  const typeByte = messageTypeByte(message.type);
  if (typeByte < 0) throw new AutoApiError('UNKNOWN_NAME', -1, `message type ${String(message.type)} is not get, set or availability`);
  w.ensure(4);
  w.u8(VERSION);
  w.u16(id);
  w.u8(typeByte);
  if (message.type !== 'set') {
    const ids = (message as RequestMessage).propertyIds ?? [];
    for (const pid of ids) {
      if (!Number.isInteger(pid) || pid < 0 || pid > 255) {
        throw new AutoApiError('INVALID_VALUE', -1, `property id ${String(pid)} is not a byte`, cap?.name ?? capabilityKey(id));
      }
      w.u8(pid);
    }
    // The same rule decode applies, so that encode never writes what decode refuses.
    if (cap) checkRequestIds(cap, ids, -1);
    return;
  }
  if (cap !== undefined && writeInKeyOrder(w, registry, cap, message)) return;
  forEachProperty(cap, message, (pid, codec, property, index) => {
    try {
      writeProperty(w, registry, pid, codec, property);
    } catch (e) {
      rethrowWithin(e, `${cap ? cap.name : capabilityKey(id)}.${codec ? codec.name : propertyKey(pid)}${index >= 0 ? `[${index}]` : ''}`);
    }
  });
}

/**
 * Writes the state key by key while it meets wireOrder (see nextInOrder). When it turns out not to, takes back
 * what it wrote and returns false. Any error it throws first is the one forEachProperty would throw: up to
 * there, both visit the same properties in the same order.
 */
function writeInKeyOrder(w: Writer, registry: Registry, cap: CapabilityCodec, message: StateMessage): boolean {
  const order = keyOrderOf(message);
  if (order === undefined) return false;
  const start = w.pos;
  const tables = tablesOf(cap);
  const state = message.state as Record<string, unknown>;
  let p = 0;
  for (const key in state) {
    const value = state[key];
    if (value === undefined) continue;
    const codec = nextInOrder(tables, order, p, key, value);
    if (codec === undefined) continue;
    if (codec === null) {
      w.pos = start;
      return false;
    }
    if (!codec.multiple) {
      p++;
      try {
        writeProperty(w, registry, codec.id, codec, value as AnyProperty);
      } catch (e) {
        rethrowWithin(e, `${cap.name}.${codec.name}`);
      }
      continue;
    }
    const items = value as AnyProperty[];
    p += items.length;
    for (let j = 0; j < items.length; j++) {
      try {
        writeProperty(w, registry, codec.id, codec, items[j]!);
      } catch (e) {
        rethrowWithin(e, `${cap.name}.${codec.name}[${j}]`);
      }
    }
  }
  // wireOrder may name more than is left (properties taken out by hand): the general visit skips those too.
  return true;
}

function resolveCapability(registry: Registry, message: Message): CapabilityCodec | undefined {
  if (message.capability !== undefined) {
    const cap = capabilityNamed(registry, message.capability);
    if (!cap) throw new AutoApiError('UNKNOWN_NAME', -1, `no capability named ${message.capability}`);
    return cap;
  }
  const id = message.capabilityId;
  if (!Number.isInteger(id) || id < 0 || id > 0xffff) {
    throw new AutoApiError('INVALID_VALUE', -1, `capability id ${String(id)} does not fit 2 bytes`);
  }
  return registry.byId.get(id);
}

/** One property with only a data component (setters). */
export function writePropertyData(w: Writer, registry: Registry, codec: PropertyCodec, value: unknown): void {
  writeProperty(w, registry, codec.id, codec, { data: value });
}

function writeProperty(w: Writer, registry: Registry, id: number, codec: PropertyCodec | undefined, prop: AnyProperty): void {
  if (typeof prop !== 'object' || prop === null) throw new AutoApiError('INVALID_VALUE', -1, 'expected a property object');
  const at = w.header(id);
  if (prop.unknownComponents === undefined && prop.componentOrder === undefined) {
    // The common case: known components in ascending order, no arrays needed.
    if (prop.data !== undefined) writeData(w, codec, prop.data);
    if (prop.timestamp !== undefined) writeTimestampComponent(w, prop.timestamp);
    if (prop.failure !== undefined) writeComponent(w, registry, codec, prop, COMPONENT.failure);
    if (prop.availability !== undefined) writeComponent(w, registry, codec, prop, COMPONENT.availability);
  } else {
    for (const cid of componentsToWrite(prop)) writeComponent(w, registry, codec, prop, cid);
  }
  w.patch16(at, 'the property');
}

/** The data component. */
function writeData(w: Writer, codec: PropertyCodec | undefined, data: unknown): void {
  const at = w.header(COMPONENT.data);
  try {
    if (codec !== undefined && !(data instanceof Unknown)) codec.value.write(w, data);
    else writeUnknown(w, data);
    w.patch16(at, 'the component');
  } catch (e) {
    rethrowWithin(e, 'data');
  }
}

/** The timestamp component: always 8 bytes, so its size is known before it is written. */
function writeTimestampComponent(w: Writer, t: unknown): void {
  w.ensure(11);
  const at = w.pos;
  const b = w.bytes;
  b[at] = COMPONENT.timestamp;
  b[at + 1] = 0;
  b[at + 2] = 8;
  try {
    writeTimestamp(w.view, at + 3, t);
  } catch (e) {
    rethrowWithin(e, 'timestamp');
  }
  w.pos = at + 11;
}

function writeComponent(w: Writer, registry: Registry, codec: PropertyCodec | undefined, prop: AnyProperty, cid: number): void {
  if (cid === COMPONENT.data) return writeData(w, codec, prop.data);
  if (cid === COMPONENT.timestamp) return writeTimestampComponent(w, prop.timestamp);
  const at = w.header(cid);
  try {
    switch (cid) {
      case COMPONENT.failure:
        if (prop.failure instanceof Unknown) w.raw(prop.failure.bytes);
        else registry.failure.write(w, prop.failure);
        break;
      case COMPONENT.availability:
        if (prop.availability instanceof Unknown) w.raw(prop.availability.bytes);
        else registry.availability.write(w, prop.availability);
        break;
      default:
        w.raw(prop.unknownComponents!.find((c) => c.id === cid)!.bytes);
    }
    w.patch16(at, 'the component');
  } catch (e) {
    rethrowWithin(e, componentName(cid));
  }
}

function writeUnknown(w: Writer, value: unknown): void {
  if (!(value instanceof Unknown)) throw new AutoApiError('INVALID_VALUE', -1, 'expected Unknown bytes');
  w.raw(value.bytes);
}

const CANONICAL = [COMPONENT.data, COMPONENT.timestamp, COMPONENT.failure, COMPONENT.availability];

/** Ids of the components present in `prop`, ascending. */
export function presentComponents(prop: AnyProperty): number[] {
  const present: number[] = [];
  for (const cid of CANONICAL) if (prop[COMPONENT_NAMES[cid] as 'data'] !== undefined) present.push(cid);
  const extra = prop.unknownComponents;
  if (extra) {
    for (const c of extra as UnknownComponent[]) {
      if (!Number.isInteger(c.id) || c.id < 0 || c.id > 255 || COMPONENT_NAMES[c.id] !== undefined || !(c.bytes instanceof Uint8Array)) {
        throw new AutoApiError('INVALID_VALUE', -1, `unknown component ${String(c.id)} must have an undefined byte id and bytes`);
      }
      if (present.includes(c.id)) throw new AutoApiError('DUPLICATE_COMPONENT', -1, `component 0x${hex2(c.id)} appears twice`);
      present.push(c.id);
    }
    present.sort((a, b) => a - b);
  }
  return present;
}

/** Component ids present in `prop`, in `componentOrder` when it accounts for exactly those, else ascending. */
function componentsToWrite(prop: AnyProperty): number[] {
  const present = presentComponents(prop);
  const order = prop.componentOrder;
  if (order && order.length === present.length && present.every((c) => order.includes(c))) return order;
  return present;
}
