/**
 * Fuzzing decode with random bytes, byte-level messages built from the model, and mutations of valid messages.
 * Whatever the input: decode returns a message or throws a located AutoApiError; what it accepts encodes back to
 * the same bytes and survives JSON; lenient decoding keeps what strict decoding would and only throws for
 * problems that leave no message to speak of. Fixed seed, bounded runs; FC_SEED / FC_RUNS explore further.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AutoApiError, decode, encode, fromJSON, toHex, toJSON, type AutoApiErrorCode } from '../src/index.js';
import { concat, layoutOf, propertiesOf, stateMessageArb, tlv, u16, VERSION, wireMessageArb } from './support/arbitraries.js';
import { model } from './support/spec.js';

const SEED = Number(process.env.FC_SEED ?? 0x0d13);
const RUNS = Number(process.env.FC_RUNS ?? 1);
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: Math.ceil(numRuns * RUNS) });

type Decoded = ReturnType<typeof decode>;

/** Codes decode may throw; the others belong to encode, fromJSON or the typed per-capability API. */
const DECODE_CODES: ReadonlySet<AutoApiErrorCode> = new Set([
  'TRUNCATED',
  'TRAILING_BYTES',
  'BAD_SIZE',
  'BAD_VERSION',
  'UNKNOWN_MESSAGE_TYPE',
  'DUPLICATE_COMPONENT',
  'REPEATED_PROPERTY',
  'DEPTH_LIMIT',
]);

const capabilityNames = new Map(model.capabilities.map((c) => [c.id, c.name]));

/** How paths name the capability of a message: its name, or "0x1234" for one the spec does not define. */
function capabilityKey(bytes: Uint8Array): string {
  const id = (bytes[1]! << 8) | bytes[2]!;
  return capabilityNames.get(id) ?? `0x${id.toString(16).padStart(4, '0')}`;
}

/**
 * A decode problem (thrown, or listed by lenient decoding) located inside the input; past the header its path
 * starts with the capability.
 */
function expectLocated(e: { code: AutoApiErrorCode; offset: number; path: string }, bytes: Uint8Array): void {
  const where = `${e.code} at ${e.offset} (${e.path}) for ${toHex(bytes)}`;
  expect(DECODE_CODES.has(e.code), where).toBe(true);
  expect(Number.isInteger(e.offset) && e.offset >= 0 && e.offset <= bytes.length, where).toBe(true);
  expect(typeof e.path, where).toBe('string');
  if (e.offset >= 4) expect(e.path.startsWith(capabilityKey(bytes)), where).toBe(true);
}

/** An AutoApiError of a decode code, located inside the input. Anything else is rethrown as is, for its stack. */
function expectDecodeError(e: unknown, bytes: Uint8Array): AutoApiError {
  if (!(e instanceof AutoApiError)) throw e;
  expectLocated(e, bytes);
  return e;
}

function tryDecode(bytes: Uint8Array, lenient = false): { message: Decoded } | { error: AutoApiError } {
  try {
    return { message: decode(bytes, lenient ? { lenient } : undefined) };
  } catch (e) {
    return { error: expectDecodeError(e, bytes) };
  }
}

/** What decode accepted is lossless: the same bytes back, JSON text and back, and that JSON encodes to a valid message. */
function expectLossless(bytes: Uint8Array, m: Decoded): void {
  expect(toHex(encode(m))).toBe(toHex(bytes));
  const json = toJSON(m);
  const text = JSON.stringify(json);
  // JSON-safe: nothing (bigint, NaN, undefined) that stringify would drop, change or refuse.
  expect(JSON.stringify(JSON.parse(text))).toBe(text);
  expect(JSON.parse(text)).toEqual(json);
  decode(encode(fromJSON(JSON.parse(text))));
}

/**
 * Lenient decoding throws only where there is no message at all: a header that is cut short or wrong (version,
 * message type), a nesting deeper than allowed, and, since a request has no properties to skip, a single-valued
 * property id asked for twice.
 */
function expectLenientFatal(e: AutoApiError, bytes: Uint8Array): void {
  const headerCut = (e.code === 'TRUNCATED' || e.code === 'BAD_VERSION') && bytes.length < 4 && e.offset === 0;
  const headerWrong = (e.code === 'BAD_VERSION' && e.offset === 0) || (e.code === 'UNKNOWN_MESSAGE_TYPE' && e.offset === 3);
  const request = e.code === 'REPEATED_PROPERTY' && bytes[3] !== 0x01;
  expect(headerCut || headerWrong || request || e.code === 'DEPTH_LIMIT', `lenient threw ${e.code} at ${e.offset} (${e.path}) for ${toHex(bytes)}`).toBe(true);
}

/** Everything that must hold for any input whatsoever. Returns the strict result. */
function check(bytes: Uint8Array): Decoded | undefined {
  const strict = tryDecode(bytes);
  if ('message' in strict) expectLossless(bytes, strict.message);

  // The same bytes at a non-zero byteOffset of a larger buffer decode the same way.
  const shifted = concat([0xee, 0xee, 0xee], bytes, [0xee]).subarray(3, 3 + bytes.length);
  const again = tryDecode(shifted);
  if ('message' in strict) expect('message' in again && again.message).toEqual(strict.message);
  else expect('error' in again && [again.error.code, again.error.offset, again.error.path]).toEqual([strict.error.code, strict.error.offset, strict.error.path]);

  const lenient = tryDecode(bytes, true);
  if ('error' in lenient) {
    expectLenientFatal(lenient.error, bytes);
    // Strict decoding fails for the same reason.
    expect('error' in strict && [strict.error.code, strict.error.offset]).toEqual([lenient.error.code, lenient.error.offset]);
    return undefined;
  }
  const { issues, ...kept } = lenient.message;
  if ('message' in strict) {
    expect(issues).toEqual([]);
    expect(kept).toEqual(strict.message);
  } else {
    // The first problem lenient skips is the one strict decoding stops at.
    expect(issues?.[0], toHex(bytes)).toEqual(expect.objectContaining({ code: strict.error.code, offset: strict.error.offset, path: strict.error.path }));
    for (const issue of issues!) expectLocated(issue, bytes);
    // It keeps exactly the properties that decode on their own, skips the others whole, and stops at a cut one.
    expect(toHex(encode(kept as Decoded))).toBe(toHex(expectedLenient(bytes)));
  }
  return 'message' in strict ? strict.message : undefined;
}

/** Ids of the single-valued properties of each capability, which may appear only once in a message. */
const singleIds = new Map(model.capabilities.map((c) => [c.id, new Set(propertiesOf(c).filter((p) => !p.multiple).map((p) => p.id))]));

/**
 * What lenient decoding of a set message should keep, worked out property by property: the header, then every
 * complete property TLV that decodes strictly on its own, unless it repeats a single-valued property already kept.
 */
function expectedLenient(bytes: Uint8Array): Uint8Array {
  const head = bytes.subarray(0, 4);
  const singles = singleIds.get((bytes[1]! << 8) | bytes[2]!);
  const kept: Uint8Array[] = [head];
  const seen = new Set<number>();
  for (let p = 4; bytes.length - p >= 3; ) {
    const end = p + 3 + ((bytes[p + 1]! << 8) | bytes[p + 2]!);
    if (end > bytes.length) break;
    const property = bytes.subarray(p, end);
    const id = bytes[p]!;
    const single = singles?.has(id) ?? false;
    if (!(single && seen.has(id)) && 'message' in tryDecode(concat(head, property))) {
      kept.push(property);
      if (single) seen.add(id);
    }
    p = end;
  }
  return concat(...kept);
}

const capabilityArb = fc.constantFrom(...model.capabilities);
const header = (id: number, type: number): Uint8Array => concat([VERSION], u16(id), [type]);

/** A set message of a spec capability: properties with consistent sizes around random component bytes. */
const tlvNoise: fc.Arbitrary<Uint8Array> = capabilityArb.chain((cap) => {
  const ids = propertiesOf(cap).map((p) => p.id);
  const component = fc.tuple(fc.oneof(fc.constantFrom(0x01, 0x01, 0x02, 0x03, 0x05), fc.integer({ min: 0, max: 255 })), fc.uint8Array({ maxLength: 24 }));
  const property = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, fc.integer({ min: 0, max: 255 })), fc.array(component, { maxLength: 3 }));
  return fc.array(property, { maxLength: 4 }).map((props) => concat(header(cap.id, 0x01), ...props.map(([id, cs]) => tlv(id, concat(...cs.map(([cid, b]) => tlv(cid, b)))))));
});

/** Valid messages, from our encoder and built byte by byte from the model. */
const validMessage: fc.Arbitrary<Uint8Array> = fc.oneof(capabilityArb.chain((c) => stateMessageArb(c)).map((m) => encode(m)), wireMessageArb());

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'insert'; at: number; byte: number }
  | { kind: 'delete'; at: number }
  | { kind: 'size'; field: number; value: 0 | 1 | 0xffff };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('size' as const), field: fc.nat(), value: fc.constantFrom(0 as const, 1 as const, 0xffff as const) }),
);

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const b = Array.from(bytes);
  switch (m.kind) {
    case 'flip':
      if (b.length) b[m.at % b.length]! ^= 1 << m.bit;
      break;
    case 'insert':
      b.splice(m.at % (b.length + 1), 0, m.byte);
      break;
    case 'delete':
      if (b.length) b.splice(m.at % b.length, 1);
      break;
    case 'size': {
      // Size fields are found on the bytes as they are now, so earlier mutations may have moved them.
      const fields = layoutOf(Uint8Array.from(b)).sizeFields;
      if (fields.length === 0) break;
      const at = fields[m.field % fields.length]!;
      b[at] = m.value >> 8;
      b[at + 1] = m.value & 0xff;
      break;
    }
  }
  return Uint8Array.from(b);
}

describe('decode of arbitrary bytes', () => {
  it('returns a message or throws AutoApiError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => void check(b)), params(500));
  });

  it('... also after a valid set header of a spec capability', () => {
    const arb = fc.tuple(capabilityArb, fc.uint8Array({ maxLength: 64 })).map(([c, rest]) => concat(header(c.id, 0x01), rest));
    fc.assert(fc.property(arb, (b) => void check(b)), params(500));
  });

  it('... also with well-framed properties around random component bytes', () => {
    fc.assert(fc.property(tlvNoise, (b) => void check(b)), params(500));
  });

  it('accepts every message built byte by byte from the model, losslessly', () => {
    fc.assert(
      fc.property(wireMessageArb(), (b) => {
        expect(check(b), toHex(b)).toBeDefined();
      }),
      params(300),
    );
  });
});

describe('decode of mutated valid messages', () => {
  it('bit flips, inserted and deleted bytes, size fields set to 0, 1 and 0xffff', () => {
    fc.assert(fc.property(validMessage, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (b, ms) => void check(ms.reduce(mutate, b))), params(600));
  });

  it('every size field set to 0, 1 and 0xffff, one at a time', () => {
    fc.assert(
      fc.property(validMessage, (b) => {
        const { sizeFields } = layoutOf(b);
        for (const [field] of sizeFields.entries()) for (const value of [0, 1, 0xffff] as const) check(mutate(b, { kind: 'size', field, value }));
      }),
      params(40),
    );
  });

  it('truncation at every length', () => {
    fc.assert(
      fc.property(validMessage, (b) => {
        for (let n = 0; n <= b.length; n++) check(b.slice(0, n));
      }),
      params(40),
    );
  });
});

describe('nesting', () => {
  // A capability_state property of the spec, e.g. historical.states, to nest messages in.
  const host = model.capabilities.flatMap((c) => c.properties.filter((p) => p.type.kind === 'capability_state').map((p) => ({ c, p })))[0];
  const nested = (levels: number): Uint8Array => {
    let m = concat(header(host!.c.id, 0x01));
    for (let i = 0; i < levels; i++) m = concat(header(host!.c.id, 0x01), tlv(host!.p.id, tlv(0x01, m)));
    return m;
  };

  it.skipIf(!host)('allows 8 nested levels by default and refuses a 9th, in lenient mode too', () => {
    expect(toHex(encode(decode(nested(8))))).toBe(toHex(nested(8)));
    for (const lenient of [false, true]) {
      expect(() => decode(nested(9), { lenient })).toThrow(expect.objectContaining({ code: 'DEPTH_LIMIT' }));
      expect(() => decode(nested(3), { lenient, maxDepth: 2 })).toThrow(expect.objectContaining({ code: 'DEPTH_LIMIT' }));
    }
    expect(check(nested(9))).toBeUndefined();
  });
});
