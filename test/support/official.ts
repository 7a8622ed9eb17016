/**
 * Differential testing against the official JavaScript library, @highmobility/auto-api-javascript 1.6.1.
 *
 * Both decode the same bytes; our toJSON must then equal their JSON.stringify output, after the deliberate
 * differences between the two are applied by the normalizers below, one function per difference:
 *
 *   nestedState      capability_state values: theirs a byte array, ours the nested message's JSON
 *   rounding         theirs rounds doubles to 15 significant digits, ours is exact
 *   clamping         theirs clamps doubles to ±(2^63-1) and to its validation ranges, ours never clamps
 *   signedInteger    theirs reads integers as unsigned and clamps them, ours keeps the sign
 *   specialNumber    ours writes NaN, ±Infinity and -0 as strings, theirs as null or numbers
 *   unrepresentable  ours writes {"$unknown": "<hex>"} for a value it cannot represent
 *
 * Our other special form, unknown property ids as keys like "0x7f", needs no normalizer: the official library
 * rejects the whole message, so such a message is never compared (and a "0x.." key left over fails the test).
 *
 * The walk is driven by the spec model, so each number is normalized as its declared type says, never guessed
 * from the value.
 */
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PropertyDef, TypeRef } from '../../codegen/model.js';
import { decode, encode, fromHex, fromJSON, toJSON, type Json } from '../../src/index.js';
import { component, model, property, SPEC_DIR, stateMessage } from './spec.js';

// ------------------------------------------------------------------------------------------ the official library

interface OfficialLibrary {
  Command: {
    parse(bytes: number[]): unknown;
    fromJSON(json: unknown): { encode(): number[] };
  };
}

// A CommonJS package; createRequire keeps us independent of how it exposes ES module exports.
const official = createRequire(import.meta.url)('@highmobility/auto-api-javascript') as OfficialLibrary;

/** Their JSON of a message, or why they refused it (parse, and also JSON.stringify, can throw). */
export function officialJson(bytes: Uint8Array): { json: Json } | { error: string } {
  try {
    return { json: JSON.parse(JSON.stringify(official.Command.parse([...bytes]))) as Json };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Whether the library encodes its JSON of `bytes` back to the same bytes. */
function officialRoundTrips(json: Json, bytes: Uint8Array): boolean {
  try {
    const again = official.Command.fromJSON(json).encode();
    return again.length === bytes.length && again.every((b, i) => b === bytes[i]);
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------------------ comparison

export const DIFFERENCES = ['nestedState', 'rounding', 'clamping', 'signedInteger', 'specialNumber', 'unrepresentable'] as const;
export type Difference = (typeof DIFFERENCES)[number];

export type Comparison =
  /** The official library refused the bytes: nothing to compare. */
  | { kind: 'rejected'; reason: string }
  /** They decoded it, we threw: always a failure. */
  | { kind: 'oursThrew'; error: string; theirs: Json }
  /**
   * Both decoded it. `ours` and `theirs` are normalized and must be equal, keys in the same order.
   * `applied` lists the differences that changed something; `nestedSkipped` counts nested states the official
   * library could not parse, which were compared as bytes (our JSON re-encoded) instead.
   */
  | { kind: 'compared'; ours: Json; theirs: Json; applied: Set<Difference>; nestedSkipped: number };

interface Context {
  applied: Set<Difference>;
  nestedSkipped: number;
}

interface Pair {
  ours: Json;
  theirs: Json;
}

export function compareWithOfficial(hex: string): Comparison {
  const bytes = fromHex(hex);
  const theirs = officialJson(bytes);
  if ('error' in theirs) return { kind: 'rejected', reason: theirs.error };
  const ctx: Context = { applied: new Set(), nestedSkipped: 0 };
  try {
    const pair = normalizeMessage(toJSON(decode(bytes)), theirs.json, ctx);
    return { kind: 'compared', ...pair, ...ctx };
  } catch (e) {
    return { kind: 'oursThrew', error: e instanceof Error ? e.message : String(e), theirs: theirs.json };
  }
}

/** {"<type>": {"<capability>": {"<property>": property | property[]}}} */
function normalizeMessage(ours: Json, theirs: Json, ctx: Context): Pair {
  return zipObject(ours, theirs, (_type, o, t) =>
    zipObject(o, t, (capName, o2, t2) => {
      const cap = model.capabilities.find((c) => c.name === capName);
      return zipObject(o2, t2, (propName, value, theirValue) => {
        const def = cap?.properties.find((p) => p.name === propName) ?? model.universal.find((p) => p.name === propName);
        if (!cap || !def) return { ours: value, theirs: theirValue }; // unknown to the spec: compared as is
        const where = model.universal.includes(def) ? `universal.${def.name}` : `${cap.name}.${def.name}`;
        const normalize = (o3: Json, t3: Json) => normalizeProperty(def, where, cap.id, o3, t3, ctx);
        return def.multiple ? zipArray(value, theirValue, normalize) : normalize(value, theirValue);
      });
    }),
  );
}

/** Where a component is: enough to frame its bytes in a message of its own. */
interface Place {
  capabilityId: number;
  propertyId: number;
  componentId: number;
}

const COMPONENT_IDS: Record<string, number> = { data: 1, timestamp: 2, failure: 3, availability: 5 };

/** {"data": ..., "timestamp": ..., "failure": ..., "availability": ...}, or null in requests. */
function normalizeProperty(def: PropertyDef, where: string, capabilityId: number, ours: Json, theirs: Json, ctx: Context): Pair {
  return zipObject(ours, theirs, (name, o, t) => {
    const componentId = COMPONENT_IDS[name];
    if (componentId !== undefined && isUnknownJson(o)) {
      return { ours: unrepresentable({ capabilityId, propertyId: def.id, componentId }, o, ctx), theirs: t };
    }
    switch (name) {
      case 'data':
        return normalizeValue(def.type, where, o, t, ctx);
      case 'failure':
        return normalizeValue(model.components.failure, 'failure', o, t, ctx);
      case 'availability':
        return normalizeValue(model.components.availability, 'availability', o, t, ctx);
      default:
        return { ours: o, theirs: t }; // timestamps: both toISOString()
    }
  });
}

/** `where` names the value for the library's validation ranges: "charging.battery_level", "types.time.hour". */
function normalizeValue(t: TypeRef, where: string, ours: Json, theirs: Json, ctx: Context): Pair {
  switch (t.kind) {
    case 'double':
    case 'float':
      return { ours: normalizeDouble(ours, LIBRARY_RANGES.get(where) ?? INT64_RANGE, ctx), theirs };
    case 'integer':
      return { ours: signedInteger(ours, t.size, LIBRARY_RANGES.get(where), ctx), theirs };
    case 'uinteger': {
      const range = LIBRARY_RANGES.get(where);
      return { ours: typeof ours === 'number' && range ? clamping(ours, range, ctx) : ours, theirs };
    }
    case 'unit':
      return zipObject(ours, theirs, (key, o, th) =>
        key === 'value' ? { ours: normalizeDouble(o, INT64_RANGE, ctx), theirs: th } : { ours: o, theirs: th },
      );
    case 'custom':
      return zipObject(ours, theirs, (key, o, th) => {
        const item = t.def.items.find((i) => i.name === key);
        return item ? normalizeValue(item.type, `${t.def.ref}.${item.name}`, o, th, ctx) : { ours: o, theirs: th };
      });
    case 'capability_state':
      return nestedState(ours, theirs, ctx);
    default:
      return { ours, theirs };
  }
}

/** A double of ours, as the library would show it: special forms first, then its clamping, then its rounding. */
function normalizeDouble(ours: Json, range: Range, ctx: Context): Json {
  const value = typeof ours === 'string' ? specialNumber(ours, ctx) : ours;
  if (typeof value !== 'number') return value;
  return rounding(clamping(value, range, ctx), ctx);
}

// ------------------------------------------------------------------------------------------ the normalizers

/**
 * Difference 1, nested capability_state (Historical states, Vehicle Status states, Multi Command): the library
 * leaves the nested message as its raw bytes, we decode it. Rather than dropping it, parse their bytes with the
 * library too and compare the two nested messages the same way as outer ones (theirs is replaced by its parse).
 * Where the library cannot parse the nested message (say, a property it lacks), there is no JSON of theirs to
 * compare with: compare bytes instead, by re-encoding our nested JSON.
 */
function nestedState(ours: Json, theirs: Json, ctx: Context): Pair {
  if (!isByteArray(theirs)) return { ours, theirs }; // not the library's shape: let the comparison fail
  ctx.applied.add('nestedState');
  const nested = officialJson(Uint8Array.from(theirs));
  if ('error' in nested) {
    ctx.nestedSkipped++;
    const bytes = isUnknownJson(ours) ? fromHex(ours.$unknown) : encode(fromJSON(ours));
    return { ours: [...bytes], theirs };
  }
  if (isUnknownJson(ours)) return { ours, theirs: nested.json }; // they read it, we could not: a failure
  return normalizeMessage(ours, nested.json, ctx);
}

/**
 * Difference 2a: the library rounds every double to 15 significant digits (`+x.toPrecision(15)`), so that
 * 0.30000000000000004 shows as 0.3; ours keeps the exact double, which round-trips.
 */
function rounding(value: number, ctx: Context): number {
  const rounded = +value.toPrecision(15);
  if (!Object.is(rounded, value)) ctx.applied.add('rounding');
  return rounded;
}

/**
 * Difference 2b: the library clamps while decoding, doubles to ±(2^63-1) and validated values to their range
 * (percentage 0..1, latitude ±90, time.hour 0..23, ...); ours shows what the bytes say and never clamps.
 */
function clamping(value: number, [min, max]: Range, ctx: Context): number {
  const clamped = Math.min(Math.max(value, min), max);
  if (clamped !== value) ctx.applied.add('clamping');
  return clamped;
}

/**
 * Difference 3: the library reads an `integer` as unsigned and then clamps it to the signed range, so it never
 * produces a negative number (0xff is 127, not -1); ours decodes two's complement.
 */
function signedInteger(ours: Json, size: number, range: Range | undefined, ctx: Context): Json {
  // Ours is a number, or a string of digits for 7- and 8-byte values beyond 2^53.
  if (typeof ours !== 'number' && !(typeof ours === 'string' && /^-?\d+$/.test(ours))) return ours;
  const bits = BigInt(size * 8);
  const unsigned = BigInt.asUintN(size * 8, BigInt(ours));
  const max = (1n << (bits - 1n)) - 1n;
  const theirs = Number(unsigned > max ? max : unsigned);
  if (theirs !== Number(ours)) ctx.applied.add('signedInteger');
  return range ? clamping(theirs, range, ctx) : theirs;
}

/**
 * Difference 4a: JSON has no NaN, Infinity or -0, so ours writes them as the strings "NaN", "Infinity",
 * "-Infinity" and "-0". The library shows NaN as null (JSON.stringify of NaN), infinities clamped like any
 * double (done by the caller) and -0 as 0.
 */
function specialNumber(ours: string, ctx: Context): number | null | string {
  ctx.applied.add('specialNumber');
  switch (ours) {
    case 'NaN':
      return null;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return 0;
    default:
      return ours; // not a special form: compared as is, and fails
  }
}

/**
 * Difference 4b: ours writes {"$unknown": "<hex>"} for a component it cannot represent as its type, keeping its
 * bytes. Unknown enum bytes and unit ids make the library reject the whole message, so what reaches here are
 * values the library shows lossily: a NaN with a payload (null), text that is not UTF-8 (some other string), a
 * unit whose measurement byte is not its property's (the byte ignored). Have the library show our bytes in the
 * same place: that must be their JSON, so we kept exactly the bytes they read; and the library must not
 * round-trip those bytes, or ours had no reason not to represent them.
 */
function unrepresentable(at: Place, ours: { $unknown: string }, ctx: Context): Json {
  const framed = fromHex(stateMessage(at.capabilityId, property(at.propertyId, component(at.componentId, ours.$unknown))));
  const shown = officialJson(framed);
  if ('error' in shown || officialRoundTrips(shown.json, framed)) return ours;
  // {"set": {capability: {property: {component: value}}}}, the property in an array when multiple.
  const first = (j: Json | undefined): Json | undefined => (isObject(j) ? Object.values(j)[0] : undefined);
  const prop = first(first(first(shown.json)));
  const value = first(Array.isArray(prop) ? prop[0] : prop);
  if (value === undefined) return ours;
  ctx.applied.add('unrepresentable');
  return value;
}

// ------------------------------------------------------------------------------------------ validation ranges

type Range = readonly [min: number, max: number];

/** Doubles without a validation: the library clamps them to ±(2^63-1). */
const INT64_RANGE: Range = [-(2 ** 63 - 1), 2 ** 63 - 1];

/** Where the library's own configuration disagrees with the spec's `validation`. */
const LIBRARY_OVERRIDES: ReadonlyMap<string, Range> = new Map([
  // The spec says min:0|max:2; the library's bundled configuration says max 1.
  ['types.percentage', [0, 1]],
]);

/**
 * The ranges the library clamps to, from the `validation` entries of the spec's YAML (which the resolved model
 * does not keep), keyed "capability.property", "universal.property" or "types.custom.item".
 */
const LIBRARY_RANGES: ReadonlyMap<string, Range> = libraryRanges();

function libraryRanges(): Map<string, Range> {
  type Entry = { name?: string; type?: string; validation?: string; items?: Entry[]; properties?: Entry[] };
  const read = (file: string) => parseYaml(readFileSync(file, 'utf8')) as Record<string, Entry[] | undefined> & Entry;
  const parse = (v: string): Range => {
    const min = /min:(-?[\d.]+)/.exec(v);
    const max = /max:(-?[\d.]+)/.exec(v);
    return [min ? Number(min[1]) : -Infinity, max ? Number(max[1]) : Infinity];
  };
  // Aliases with a validation, e.g. types.percentage.
  const shared = new Map<string, Range>();
  const ranges = new Map<string, Range>();
  const typeRange = (e: Entry): Range | undefined =>
    (e.validation !== undefined ? parse(e.validation) : undefined) ?? (e.type !== undefined ? shared.get(e.type) : undefined);
  const misc = (name: string) => join(SPEC_DIR, 'misc', name);
  const typeFiles = [
    { ns: 'types', entries: read(misc('custom_types.yml')).types ?? [] },
    { ns: 'events', entries: read(misc('events.yml')).events ?? [] },
  ];
  for (const { ns, entries } of typeFiles) {
    for (const e of entries) {
      const ref = `${ns}.${e.name}`;
      if (e.validation !== undefined) shared.set(ref, LIBRARY_OVERRIDES.get(ref) ?? parse(e.validation));
    }
  }
  for (const { ns, entries } of typeFiles) {
    for (const e of entries) {
      for (const item of e.items ?? []) {
        const r = typeRange(item);
        if (r) ranges.set(`${ns}.${e.name}.${item.name}`, LIBRARY_OVERRIDES.get(`${ns}.${e.name}.${item.name}`) ?? r);
      }
    }
  }
  const owners: Array<{ owner: string; properties: Entry[] }> = [
    { owner: 'universal', properties: read(misc('universal_properties.yml')).universal_properties ?? [] },
  ];
  const capDir = join(SPEC_DIR, 'capabilities');
  for (const file of readdirSync(capDir).filter((f) => f.endsWith('.yml'))) {
    const cap = read(join(capDir, file));
    owners.push({ owner: String(cap.name), properties: cap.properties ?? [] });
  }
  for (const { owner, properties } of owners) {
    for (const p of properties) {
      const r = typeRange(p);
      if (r) ranges.set(`${owner}.${p.name}`, r);
    }
  }
  return ranges;
}

// ------------------------------------------------------------------------------------------ walking JSON pairs

function isObject(j: Json | undefined): j is { [key: string]: Json } {
  return typeof j === 'object' && j !== null && !Array.isArray(j);
}

function isUnknownJson(j: Json): j is { $unknown: string } {
  return isObject(j) && typeof j.$unknown === 'string' && Object.keys(j).length === 1;
}

function isByteArray(j: Json): j is number[] {
  return Array.isArray(j) && j.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255);
}

/**
 * Normalizes two objects key by key. Each side keeps its own key order, so the final comparison also checks the
 * order; a key missing on their side is passed as undefined and left for the comparison to report.
 */
function zipObject(ours: Json, theirs: Json, f: (key: string, ours: Json, theirs: Json) => Pair): Pair {
  if (!isObject(ours)) return { ours, theirs };
  const o: Record<string, Json> = {};
  const t: Record<string, Json> | undefined = isObject(theirs) ? { ...theirs } : undefined;
  for (const [key, value] of Object.entries(ours)) {
    const pair = f(key, value, t?.[key] as Json);
    o[key] = pair.ours;
    if (t && key in t) t[key] = pair.theirs;
  }
  return { ours: o, theirs: t ?? theirs };
}

function zipArray(ours: Json, theirs: Json, f: (ours: Json, theirs: Json) => Pair): Pair {
  if (!Array.isArray(ours)) return { ours, theirs };
  const t = Array.isArray(theirs) ? [...theirs] : undefined;
  const o = ours.map((item, i) => {
    const pair = f(item, t?.[i] as Json);
    if (t && i < t.length) t[i] = pair.theirs;
    return pair.ours;
  });
  return { ours: o, theirs: t ?? theirs };
}
