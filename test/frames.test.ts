/**
 * The decoder's view of the framing against an independent splitter (binary-parser, test/support/frames.ts):
 * the same properties in the same order, the same components in each, and encode(decode(bytes)) == bytes.
 * Spec examples first, then fast-check messages built from them (fixed seed, so CI sees the same cases).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode, fromHex, registry, toHex, type StateMessage } from '../src/index.js';
import { decodedOccurrences, splitSetMessage, timestampMillis, type SetMessageFrame } from './support/frames.js';
import { component, exampleMessage, model, property, propertyExamples, stateMessage } from './support/spec.js';
import type { CapabilityDef, PropertyDef } from '../codegen/model.js';

const SEED = 0x13_0d_2024;
const NUM_RUNS = 300;

/** Decodes `hex`, splits it independently, and checks that both agree and that encoding gives the bytes back. */
function checkAgainstSplitter(hex: string): void {
  const bytes = fromHex(hex);
  compare(splitSetMessage(bytes), decode(bytes) as StateMessage, hex);
}

/** Asserts that `message` holds exactly the records of `frame` and encodes back to `hex`. */
function compare(frame: SetMessageFrame, message: StateMessage, hex: string): void {
  expect(message.type).toBe('set');
  expect(message.capabilityId).toBe(frame.capabilityId);

  // Property ids in wire order.
  expect(message.wireOrder).toEqual(frame.properties.map((p) => p.id));

  // How many times each property occurs, read from the state itself rather than from wireOrder.
  expect(occurrenceCounts(message)).toEqual(countIds(frame.properties.map((p) => p.id)));

  // Each occurrence holds the components the splitter found, in the same order, raw bytes unchanged.
  const decoded = decodedOccurrences(message);
  expect(decoded.length).toBe(frame.properties.length);
  frame.properties.forEach((p, i) => {
    const d = decoded[i]!;
    const wireIds = p.components.map((c) => c.id);
    expect(d.componentIds, `components of property #${i} (0x${p.id.toString(16)})`).toEqual(wireIds);
    expect(d.presentIds).toEqual([...wireIds].sort((a, b) => a - b));
    for (const c of p.components) {
      const raw = d.raw.get(c.id);
      if (raw !== undefined) expect(toHex(raw)).toBe(toHex(c.bytes));
      if (c.id === 0x02) expect(timestampMillis(d.timestamp!)).toBe(u64(c.bytes));
    }
  });

  expect(toHex(encode(message))).toBe(hex);
}

/** Occurrences per property id as the decoded state holds them: array lengths, single values, unknown properties. */
function occurrenceCounts(message: StateMessage): Map<number, number> {
  const cap = registry.byId.get(message.capabilityId);
  const counts = new Map<number, number>();
  for (const [key, value] of Object.entries(message.state as Record<string, unknown>)) {
    const codec = cap?.byKey.get(key);
    if (!codec) throw new Error(`state has ${key}, which ${cap?.name ?? 'an unknown capability'} does not define`);
    counts.set(codec.id, Array.isArray(value) ? value.length : 1);
  }
  for (const u of message.unknownProperties ?? []) counts.set(u.id, (counts.get(u.id) ?? 0) + 1);
  return sortedMap(counts);
}

function countIds(ids: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return sortedMap(counts);
}

function sortedMap(m: Map<number, number>): Map<number, number> {
  return new Map([...m].sort(([a], [b]) => a - b));
}

function u64(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0);
}

const hexOf = (bytes: Uint8Array): string => toHex(bytes);
const u16hex = (n: number): string => n.toString(16).padStart(4, '0');

// ------------------------------------------------------------------------------------------ the splitter

describe('binary-parser frame splitter', () => {
  // A capability id the spec does not define, so that any data goes.
  const hex = stateMessage(0x7777, property(0x02, component(1, '01'), component(2, '0000016d82cebd50')), property(0x99, component(0x07, 'aabb')));

  it('splits header, properties and components', () => {
    const frame = splitSetMessage(fromHex(hex));
    expect(frame).toMatchObject({ version: 0x0d, capabilityId: 0x7777, type: 1 });
    expect(frame.properties.map((p) => [p.id, p.size, p.components.map((c) => [c.id, c.size, hexOf(c.bytes)])])).toEqual([
      [0x02, 15, [[1, 1, '01'], [2, 8, '0000016d82cebd50']]],
      [0x99, 5, [[7, 2, 'aabb']]],
    ]);
  });

  it('refuses bytes whose sizes do not add up', () => {
    // Cut inside a component, inside a property header, and a property announcing more than is there.
    for (const bad of [hex.slice(0, -2), hex.slice(0, 12), stateMessage(0x7777, '0200ff' + component(1, '01'))]) {
      expect(() => splitSetMessage(fromHex(bad)), bad).toThrow();
    }
    expect(() => splitSetMessage(fromHex('0e77770102000401000101'))).toThrow(); // version
  });

  // The comparison must be able to fail: hold one message's decoding against another's frames.
  it.each([
    ['properties swapped', stateMessage(0x7777, property(0x99, component(0x07, 'aabb')), property(0x02, component(1, '01'), component(2, '0000016d82cebd50')))],
    ['components swapped', stateMessage(0x7777, property(0x02, component(2, '0000016d82cebd50'), component(1, '01')), property(0x99, component(0x07, 'aabb')))],
    ['unknown component bytes', stateMessage(0x7777, property(0x02, component(1, '01'), component(2, '0000016d82cebd50')), property(0x99, component(0x07, 'aabc')))],
    ['a property more', stateMessage(0x7777, property(0x02, component(1, '01'), component(2, '0000016d82cebd50')), property(0x99, component(0x07, 'aabb')), property(0x99))],
    ['timestamp', stateMessage(0x7777, property(0x02, component(1, '01'), component(2, '0000016d82cebd51')), property(0x99, component(0x07, 'aabb')))],
  ])('notices a difference: %s', (_, other) => {
    const message = decode(fromHex(hex)) as StateMessage;
    expect(() => compare(splitSetMessage(fromHex(other)), message, other)).toThrow();
  });
});

// ------------------------------------------------------------------------------------------ spec examples

describe('every spec example, decoder vs splitter', () => {
  const examples = propertyExamples({ universalIn: 'every' });

  it('finds examples', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((e) => [e.label, e] as const))('%s', (_, e) => {
    checkAgainstSplitter(exampleMessage(e));
  });

  // One message per capability holding every example, multiple properties repeated, plus timestamps.
  it.each(model.capabilities.map((c) => [c.name, c] as const))('all examples of %s in one message', (_, cap) => {
    const seen = new Set<number>();
    const props = examples
      .filter((e) => e.capability === cap)
      .filter((e) => e.property.multiple || (!seen.has(e.property.id) && seen.add(e.property.id)))
      .map((e, i) => property(e.property.id, component(1, e.example.hex.toLowerCase()), component(2, (0x16d82cebd50 + i * 1000).toString(16).padStart(16, '0'))));
    checkAgainstSplitter(stateMessage(cap.id, ...props));
  });
});

// ------------------------------------------------------------------------------------------ generated messages

const STANDARD_COMPONENTS = new Set([0x01, 0x02, 0x03, 0x05]);

/** A property the generator can put in a message: its id, whether it may repeat, and valid data for it. */
interface PropertyChoice {
  id: number;
  multiple: boolean;
  /** Data components known to be valid; empty for properties the spec does not define (any bytes go). */
  data: string[];
}

function knownChoices(cap: CapabilityDef): PropertyChoice[] {
  const toChoice = (p: PropertyDef): PropertyChoice => ({ id: p.id, multiple: p.multiple, data: p.examples.map((x) => x.hex.toLowerCase()) });
  return [...cap.properties, ...model.universal].map(toChoice);
}

/** Failure = reason byte (any: undefined reasons are kept as bytes) + u16-prefixed UTF-8 description. */
const failureArb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.string({ unit: 'grapheme', maxLength: 8 }))
  .map(([reason, text]) => {
    const utf8 = hexOf(new TextEncoder().encode(text));
    return reason.toString(16).padStart(2, '0') + u16hex(utf8.length / 2) + utf8;
  });

/** The documented availability, or one with random update rate, unit id, rate (any double, NaNs too) and applies-per bytes. */
const availabilityExample = model.components.examples.find((c) => c.name === 'availability')!.example.hex.toLowerCase();
const availabilityArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant(availabilityExample),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 1 }), fc.uint8Array({ minLength: 1, maxLength: 1 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 1, maxLength: 1 }))
    .map(([rate, unit, value, per]) => `${hexOf(rate)}${availabilityExample.slice(2, 4)}${hexOf(unit)}${hexOf(value)}${hexOf(per)}`),
);

/** u64 milliseconds: mostly dates a Date can hold, sometimes anything (kept as a bigint). */
const timestampArb: fc.Arbitrary<string> = fc
  .oneof(fc.bigInt({ min: 0n, max: 8_640_000_000_000_000n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))
  .map((ms) => ms.toString(16).padStart(16, '0'));

const unknownComponentArb = fc.record({
  id: fc.integer({ min: 0, max: 255 }).filter((id) => !STANDARD_COMPONENTS.has(id)),
  hex: fc.uint8Array({ maxLength: 6 }).map(hexOf),
});

/** The components of one property, each id at most once, in any order. */
function componentsArb(choice: PropertyChoice): fc.Arbitrary<string[]> {
  const data = choice.data.length > 0 ? fc.constantFrom(...choice.data) : fc.uint8Array({ maxLength: 12 }).map(hexOf);
  return fc
    .record(
      {
        data: fc.option(data, { nil: undefined }),
        timestamp: fc.option(timestampArb, { nil: undefined }),
        failure: fc.option(failureArb, { nil: undefined }),
        availability: fc.option(availabilityArb, { nil: undefined }),
        unknown: fc.uniqueArray(unknownComponentArb, { maxLength: 3, selector: (c) => c.id }),
      },
      { noNullPrototype: true },
    )
    .chain((r) => {
      const list: string[] = [];
      if (r.data !== undefined) list.push(component(0x01, r.data));
      if (r.timestamp !== undefined) list.push(component(0x02, r.timestamp));
      if (r.failure !== undefined) list.push(component(0x03, r.failure));
      if (r.availability !== undefined) list.push(component(0x05, r.availability));
      for (const u of r.unknown) list.push(component(u.id, u.hex));
      // Ascending order half of the time (the usual case), else shuffled (kept as componentOrder).
      return fc.oneof(fc.constant([...list].sort() /* by the leading id byte */), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }));
    });
}

function propertyArb(choices: PropertyChoice[], knownIds: Set<number>): fc.Arbitrary<{ choice: PropertyChoice; hex: string }> {
  const unknown = fc
    .integer({ min: 0, max: 255 })
    .filter((id) => !knownIds.has(id))
    .map((id): PropertyChoice => ({ id, multiple: true, data: [] }));
  const choice = choices.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...choices), weight: 3 }, { arbitrary: unknown, weight: 1 }) : unknown;
  return choice.chain((c) => componentsArb(c).map((comps) => ({ choice: c, hex: property(c.id, ...comps) })));
}

/** A well-formed set message of a known or an unknown capability, with single-valued properties at most once. */
const messageArb: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.constantFrom(...model.capabilities).map((c) => ({ id: c.id, choices: knownChoices(c) })), weight: 9 },
    { arbitrary: fc.integer({ min: 0, max: 0xffff }).filter((id) => !registry.byId.has(id)).map((id) => ({ id, choices: [] as PropertyChoice[] })), weight: 1 },
  )
  .chain(({ id, choices }) =>
    fc.array(propertyArb(choices, new Set(choices.map((c) => c.id))), { maxLength: 12 }).map((props) => {
      const single = new Set<number>();
      const kept = props.filter(({ choice }) => choice.multiple || (!single.has(choice.id) && single.add(choice.id)));
      return stateMessage(id, ...kept.map((p) => p.hex));
    }),
  );

describe('generated well-formed messages, decoder vs splitter', () => {
  it(`agree on ${NUM_RUNS} messages (seed ${SEED})`, () => {
    fc.assert(
      fc.property(messageArb, (hex) => {
        checkAgainstSplitter(hex);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
