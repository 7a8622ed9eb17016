/**
 * The JSON form of messages: the shape of the official JavaScript library's toJSON(),
 *   {"set": {"charging": {"charge_mode": {"data": "immediate", "timestamp": "2019-09-30T15:34:10.000Z"}}}}
 * with multiple properties as arrays, plus forms for what that library cannot show (see README, "JSON").
 */
import { fromHex, toHex } from './bytes.js';
import { tablesOf, type AnyProperty, type CapabilityCodec, type PropertyCodec, type UnknownProperty } from './codec.js';
import { AutoApiError, rethrowWithin } from './errors.js';
import {
  capabilityKey,
  COMPONENT,
  forEachProperty,
  keyOrderOf,
  messageTypeByte,
  presentComponents,
  propertyKey,
  type Message,
  type MessageType,
  type StateMessage,
} from './message.js';
import { capabilityNamed, resolveRegistry, type Registry } from './registry.js';
import { describe, isUnknownJson, timestampFromJson, timestampToJson, Unknown, unknownFromJson, type Timestamp } from './values.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function messageToJson(lazy: Registry, message: Message): Json {
  const registry = resolveRegistry(lazy);
  const cap = message.capability !== undefined ? capabilityNamed(registry, message.capability) : registry.byId.get(message.capabilityId);
  const capName = cap ? cap.name : capabilityKey(message.capabilityId);
  const body = message.type === 'set' ? stateJson(registry, cap, message) : requestJson(cap, message.propertyIds);
  // Plain stores: literals with computed keys are built by a call into V8's runtime.
  const byCapability: Record<string, Json> = {};
  byCapability[capName] = body;
  if (message.type === 'set') return { set: byCapability };
  if (message.type === 'get') return { get: byCapability };
  if (message.type === 'availability') return { availability: byCapability };
  return { [String(message.type)]: byCapability };
}

/** A state's JSON body: by the capability's generated path while its keys meet wireOrder, else the general visit. */
function stateJson(registry: Registry, cap: CapabilityCodec | undefined, message: StateMessage): Record<string, Json> {
  const order = keyOrderOf(message);
  if (cap?.usual !== undefined && order !== undefined) {
    const body = cap.usual.json(registry, tablesOf(cap), message.state, order);
    if (body !== undefined) return body;
  }
  const body: Record<string, Json> = {};
  forEachProperty(cap, message, (id, codec, property) => addToBody(body, id, codec, propertyToJson(registry, codec, property)));
  return body;
}

/** A get's or availability request's body: each property asked for, as null. */
function requestJson(cap: CapabilityCodec | undefined, ids: readonly number[]): Record<string, Json> {
  const body: Record<string, Json> = {};
  for (const id of ids) addToBody(body, id, cap && tablesOf(cap).byId[id], null);
  return body;
}

/** Puts one item's JSON under its property's name: alone, or added to the array of a multiple or unknown one. */
function addToBody(body: Record<string, Json>, id: number, codec: PropertyCodec | undefined, value: Json): void {
  if (codec && !codec.multiple) body[codec.name] = value;
  else ((body[codec ? codec.name : propertyKey(id)] ??= []) as Json[]).push(value);
}

/** Puts a property's JSON (a multiple one's items as an array) into a message body under its name. */
export function propertyEntryJson(registry: Registry, body: Record<string, Json>, codec: PropertyCodec, value: unknown): void {
  if (codec.multiple) {
    const items = value as AnyProperty[];
    const out: Json[] = new Array(items.length);
    for (let j = 0; j < items.length; j++) out[j] = propertyToJson(registry, codec, items[j]!);
    body[codec.name] = out;
  } else {
    body[codec.name] = propertyToJson(registry, codec, value as AnyProperty);
  }
}

/** For the generated JSON paths: a property of the usual shape, data (not Unknown) and maybe a timestamp. */
export function isUsual(prop: AnyProperty): boolean {
  return (
    prop.componentOrder === undefined &&
    prop.unknownComponents === undefined &&
    prop.failure === undefined &&
    prop.availability === undefined &&
    prop.data !== undefined &&
    !(prop.data instanceof Unknown)
  );
}

/** The JSON of a usual property, given its data's JSON; the same literals as propertyToJson's. */
export function usualJson(data: Json, timestamp: Timestamp | undefined): Json {
  return timestamp === undefined ? { data } : { data, timestamp: timestampToJson(timestamp) };
}

export function propertyToJson(registry: Registry, codec: PropertyCodec | undefined, prop: AnyProperty): Json {
  if (prop.componentOrder === undefined && prop.unknownComponents === undefined) {
    // The common case: known components in ascending order. Literals give the usual shapes one hidden class.
    const { data, timestamp, failure, availability } = prop;
    if (failure === undefined && availability === undefined) {
      if (data === undefined) return timestamp === undefined ? null : { timestamp: timestampToJson(timestamp) };
      return usualJson(componentToJson(codec?.value, data), timestamp);
    }
    const out: Record<string, Json> = {};
    if (prop.data !== undefined) out.data = componentToJson(codec?.value, prop.data);
    if (prop.timestamp !== undefined) out.timestamp = timestampToJson(prop.timestamp);
    if (prop.failure !== undefined) out.failure = componentToJson(registry.failure, prop.failure);
    if (prop.availability !== undefined) out.availability = componentToJson(registry.availability, prop.availability);
    return out;
  }
  let out: Record<string, Json> | null = null;
  const order = prop.componentOrder ?? presentComponents(prop);
  for (const cid of order) {
    out ??= {};
    switch (cid) {
      case COMPONENT.data:
        out.data = componentToJson(codec?.value, prop.data);
        break;
      case COMPONENT.timestamp:
        out.timestamp = timestampToJson(prop.timestamp!);
        break;
      case COMPONENT.failure:
        out.failure = componentToJson(registry.failure, prop.failure);
        break;
      case COMPONENT.availability:
        out.availability = componentToJson(registry.availability, prop.availability);
        break;
      default: {
        const c = prop.unknownComponents?.find((u) => u.id === cid);
        if (c) out[propertyKey(cid)] = toHex(c.bytes);
      }
    }
  }
  return out;
}

function componentToJson(codec: { toJSON(v: unknown): unknown } | undefined, value: unknown): Json {
  return (value instanceof Unknown || codec === undefined ? (value as Unknown).toJSON() : codec.toJSON(value)) as Json;
}

function componentFromJson(codec: { fromJSON(j: unknown): unknown } | undefined, json: unknown): unknown {
  if (codec !== undefined && typeof json === 'object' && json !== null) {
    // No codec takes {"$unknown": ...} for its own, so that form is looked for only once the codec refused the
    // object: looking first would cost every custom-type and unit value a lookup of a key it never has.
    try {
      return codec.fromJSON(json);
    } catch (e) {
      if (isUnknownJson(json)) return unknownFromJson(json);
      throw e;
    }
  }
  if (isUnknownJson(json)) return unknownFromJson(json);
  if (codec === undefined) throw new AutoApiError('INVALID_VALUE', -1, 'data of an unknown property is {"$unknown": "<hex>"}');
  return codec.fromJSON(json);
}

// ---------------------------------------------------------------------------------------------- from JSON

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const HEX_ID = /^0x[0-9a-f]{2}$/;
const HEX_CAPABILITY = /^0x[0-9a-f]{4}$/;

function forbiddenKey(key: string, path?: string): AutoApiError {
  return new AutoApiError('FORBIDDEN_KEY', -1, `the key "${key}" is not allowed`, path);
}

/** The keys of a JSON object, refusing anything that is not one or that could pollute prototypes. */
export function jsonKeys(json: unknown, what: string): string[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new AutoApiError('INVALID_VALUE', -1, `expected ${what} as an object, got ${describe(json)}`);
  }
  const keys = Object.keys(json);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if ((key === '__proto__' || key === 'constructor' || key === 'prototype') && FORBIDDEN.has(key)) {
      throw forbiddenKey(key, key);
    }
  }
  return keys;
}

/**
 * How many keys `json` has when every one is in `allowed`, else -1 (also for what is not a plain object). The
 * usual case, a well-formed object, is checked without listing its keys; callers fall back to jsonKeys for errors.
 */
export function countAllowedKeys(json: unknown, allowed: readonly string[]): number {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return -1;
  let n = 0;
  next: for (const key in json) {
    // A loop, not allowed.includes: compiled inline, where includes is a call per key.
    for (let i = 0; i < allowed.length; i++) {
      if (allowed[i] === key) {
        n++;
        continue next;
      }
    }
    return -1;
  }
  return n;
}

// How many messageFromJson calls are under way (nested states call it again), and whether a generated path gave
// up in this one: then the rest of it is general, so that a nested state is not tried again at every level
// that retries (which would double the work per level).
let fromJsonDepth = 0;
let fromJsonGeneral = false;

/** For the generated stateFromJson: it gave a key up, and the general path is to take everything from here. */
export function usualGaveUp(): void {
  fromJsonGeneral = true;
}

export function messageFromJson(lazy: Registry, input: unknown): Message {
  fromJsonDepth++;
  try {
    return messageFromJsonIn(lazy, input);
  } finally {
    if (--fromJsonDepth === 0) fromJsonGeneral = false;
  }
}

function messageFromJsonIn(lazy: Registry, input: unknown): Message {
  const registry = resolveRegistry(lazy);
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch {
      throw new AutoApiError('INVALID_INPUT', -1, 'not valid JSON text');
    }
  }
  const typeKeys = jsonKeys(json, 'a message');
  if (typeKeys.length !== 1) {
    throw new AutoApiError('INVALID_VALUE', -1, `a message has exactly one key (get, set or availability), got ${typeKeys.length}`);
  }
  const type = typeKeys[0] as MessageType;
  if (messageTypeByte(type) < 0) throw new AutoApiError('UNKNOWN_NAME', -1, `unknown message type "${type}"`, type);
  const inner = (json as Record<string, unknown>)[type];
  let capKeys: string[];
  try {
    capKeys = jsonKeys(inner, 'the capability');
  } catch (e) {
    rethrowWithin(e, type);
  }
  if (capKeys.length !== 1) {
    throw new AutoApiError('INVALID_VALUE', -1, `expected exactly one capability, got ${capKeys.length}`, type);
  }
  const capName = capKeys[0]!;
  const cap = capabilityNamed(registry, capName);
  let capabilityId: number;
  if (cap) capabilityId = cap.id;
  else if (HEX_CAPABILITY.test(capName)) capabilityId = parseInt(capName.slice(2), 16);
  else throw new AutoApiError('UNKNOWN_NAME', -1, `no capability named "${capName}"`, `${type}.${capName}`);
  const body = (inner as Record<string, unknown>)[capName];
  try {
    if (type === 'set') return stateFromJson(registry, cap, capabilityId, body);
    return { type, capability: cap?.name, capabilityId, propertyIds: requestIdsFromJson(cap, body) };
  } catch (e) {
    rethrowWithin(e, `${type}.${capName}`);
  }
}

function propertyCodecFor(cap: CapabilityCodec | undefined, key: string): PropertyCodec | number {
  const codec = cap && tablesOf(cap).byName.get(key);
  if (codec) return codec;
  if (HEX_ID.test(key)) {
    const id = parseInt(key.slice(2), 16);
    const defined = cap && tablesOf(cap).byId[id];
    if (defined) throw new AutoApiError('UNKNOWN_NAME', -1, `${key} is ${defined.name}: use its name`, key);
    return id;
  }
  if (FORBIDDEN.has(key)) throw forbiddenKey(key, key);
  throw new AutoApiError('UNKNOWN_NAME', -1, `${cap ? cap.name : 'this capability'} has no property "${key}"`, key);
}

function requestIdsFromJson(cap: CapabilityCodec | undefined, body: unknown): number[] {
  const ids: number[] = [];
  for (const key of jsonKeys(body, 'the properties')) {
    const codec = propertyCodecFor(cap, key);
    const value = (body as Record<string, unknown>)[key];
    const id = typeof codec === 'number' ? codec : codec.id;
    if (typeof codec !== 'number' && !codec.multiple) {
      if (value !== null) throw new AutoApiError('INVALID_VALUE', -1, 'a requested property is null', key);
      ids.push(id);
    } else {
      if (!Array.isArray(value) || value.some((v) => v !== null)) {
        throw new AutoApiError('INVALID_VALUE', -1, 'a requested multiple property is an array of null', key);
      }
      for (let i = 0; i < value.length; i++) ids.push(id);
    }
  }
  return ids;
}

function stateFromJson(registry: Registry, cap: CapabilityCodec | undefined, capabilityId: number, body: unknown): StateMessage {
  const into: StateInProgress = { state: {}, wireOrder: [], unknownProperties: undefined };
  if (isPlainJsonObject(body)) {
    if (cap !== undefined && cap.usual !== undefined && cap.usual.fromJson !== undefined && !fromJsonGeneral) cap.usual.fromJson(registry, cap, body, into);
    else for (const key in body) propertyFromJsonKey(registry, cap, into, key, body[key]);
  } else {
    for (const key of jsonKeys(body, 'the properties')) propertyFromJsonKey(registry, cap, into, key, (body as Record<string, unknown>)[key]);
  }
  const message: StateMessage = { type: 'set', capability: cap?.name, capabilityId, state: into.state };
  if (into.unknownProperties) message.unknownProperties = into.unknownProperties;
  message.wireOrder = into.wireOrder;
  return message;
}

/** A state being built from JSON, key by key. */
export interface StateInProgress {
  state: Record<string, unknown>;
  wireOrder: number[];
  unknownProperties: UnknownProperty[] | undefined;
}

/** The general path for one key of a state's JSON body: any property, any shape; errors carry their path. */
export function propertyFromJsonKey(registry: Registry, cap: CapabilityCodec | undefined, into: StateInProgress, key: string, value: unknown): void {
  const codec = propertyCodecFor(cap, key);
  try {
    if (typeof codec === 'number') {
      for (const [i, item] of arrayOf(value).entries()) {
        try {
          const prop = propertyFromJson(registry, undefined, item) as UnknownProperty;
          prop.id = codec;
          (into.unknownProperties ??= []).push(prop);
          into.wireOrder.push(codec);
        } catch (e) {
          rethrowWithin(e, `[${i}]`);
        }
      }
    } else if (codec.multiple) {
      const items = arrayOf(value);
      const props: AnyProperty[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        try {
          props[i] = propertyFromJson(registry, codec, items[i]);
        } catch (e) {
          rethrowWithin(e, `[${i}]`);
        }
        into.wireOrder.push(codec.id);
      }
      into.state[codec.key] = props;
    } else {
      into.state[codec.key] = propertyFromJson(registry, codec, value);
      into.wireOrder.push(codec.id);
    }
  } catch (e) {
    rethrowWithin(e, key);
  }
}

function arrayOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new AutoApiError('INVALID_VALUE', -1, `expected an array, got ${describe(value)}`);
  return value;
}

/**
 * An object as JSON.parse and literals make them, whose keys a for-in loop reads without a lookup per key (where
 * Object.keys would copy them first). Told by its constructor: Object.getPrototypeOf is a call into the runtime.
 */
export function isPlainJsonObject(json: unknown): json is Record<string, unknown> {
  return typeof json === 'object' && json !== null && (json as { constructor?: unknown }).constructor === Object;
}

/** A property's JSON as the generated paths read it, once usualShape has told its shape. */
export interface PropertyJson {
  data?: unknown;
  timestamp?: unknown;
}

/**
 * The usual shapes of a property's JSON, as toJSON writes them: 1 for a plain object with "data" alone, 2 for
 * "data" then "timestamp", else 0.
 */
export function usualShape(json: unknown): number {
  if (!isPlainJsonObject(json)) return 0;
  let n = 0;
  for (const key in json) {
    if (n === 0 ? key !== 'data' : n !== 1 || key !== 'timestamp') return 0;
    n++;
  }
  return n;
}

function propertyFromJson(registry: Registry, codec: PropertyCodec | undefined, json: unknown): AnyProperty {
  if (json === null) return {};
  if (codec !== undefined) {
    // The usual shapes, built as one literal each.
    const n = usualShape(json);
    if (n === 1) return { data: componentFromJsonNamed(codec.value, (json as { data: unknown }).data, 'data') };
    if (n === 2) {
      const data = componentFromJsonNamed(codec.value, (json as { data: unknown }).data, 'data');
      let timestamp: Timestamp;
      try {
        timestamp = timestampFromJson((json as { timestamp: unknown }).timestamp);
      } catch (e) {
        rethrowWithin(e, 'timestamp');
      }
      return { data, timestamp };
    }
  }
  const prop: AnyProperty = {};
  const order: ComponentOrder = { ids: undefined, last: -1 };
  if (isPlainJsonObject(json)) {
    for (const key in json) componentFromJsonKey(registry, codec, prop, order, key, json[key]);
  } else {
    // Arrays and other objects: jsonKeys refuses them or lists their own keys.
    for (const key of jsonKeys(json, 'a property')) componentFromJsonKey(registry, codec, prop, order, key, (json as Record<string, unknown>)[key]);
  }
  if (order.ids !== undefined) prop.componentOrder = order.ids;
  return prop;
}

function componentFromJsonNamed(codec: { fromJSON(j: unknown): unknown }, json: unknown, name: string): unknown {
  try {
    return componentFromJson(codec, json);
  } catch (e) {
    rethrowWithin(e, name);
  }
}

/** The components seen so far: their ids only once they turn out not to be in ascending order. */
interface ComponentOrder {
  ids: number[] | undefined;
  last: number;
}

function componentFromJsonKey(registry: Registry, codec: PropertyCodec | undefined, prop: AnyProperty, order: ComponentOrder, key: string, value: unknown): void {
  let id: number;
  try {
    switch (key) {
      case 'data':
        id = COMPONENT.data;
        prop.data = componentFromJson(codec?.value, value);
        break;
      case 'timestamp':
        id = COMPONENT.timestamp;
        prop.timestamp = timestampFromJson(value);
        break;
      case 'failure':
        id = COMPONENT.failure;
        prop.failure = componentFromJson(registry.failure, value);
        break;
      case 'availability':
        id = COMPONENT.availability;
        prop.availability = componentFromJson(registry.availability, value);
        break;
      default:
        if (FORBIDDEN.has(key)) throw forbiddenKey(key); // its path is added below
        id = unknownComponentFromJson(prop, key, value);
    }
  } catch (e) {
    rethrowWithin(e, key);
  }
  // Up to here they were ascending, so the ones seen so far, sorted, are the order they came in.
  if (order.ids === undefined && id <= order.last) order.ids = presentComponents(prop).filter((c) => c !== id);
  if (order.ids !== undefined) order.ids.push(id);
  order.last = id;
}

/** Keeps a component this spec level does not define ("0x04": "<hex>"), and returns its id. */
function unknownComponentFromJson(prop: AnyProperty, key: string, value: unknown): number {
  if (!HEX_ID.test(key)) throw new AutoApiError('UNKNOWN_NAME', -1, `"${key}" is not a component`);
  const id = parseInt(key.slice(2), 16);
  if (id === 1 || id === 2 || id === 3 || id === 5) throw new AutoApiError('UNKNOWN_NAME', -1, `use the component's name for ${key}`);
  if (typeof value !== 'string') throw new AutoApiError('INVALID_VALUE', -1, 'an unknown component is a hex string');
  (prop.unknownComponents ??= []).push({ id, bytes: fromHex(value) });
  return id;
}
