/**
 * The generated paths for states of the usual shape (readState, stateToJson, stateFromJson in each capability
 * module) against
 * the general ones they stand in for: the same messages, JSON and errors, whatever the input. The general paths
 * are switched on by taking every capability's generated paths away for the length of one call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AutoApiError, decode, encode, fromHex, fromJSON, toHex, toJSON } from '../src/index.js';
import { type UsualPaths } from '../src/runtime/index.js';
import { stateMessageArb, wireMessageArb } from './support/arbitraries.js';
import { component, model, property, propertyExamples, stateMessage } from './support/spec.js';
import { capabilities, generalOnly, withUsual } from './support/usual.js';

const SEED = Number(process.env.FC_SEED ?? 0x0d13);
const RUNS = Number(process.env.FC_RUNS ?? 1);
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: Math.ceil(numRuns * RUNS) });

/** Runs `fn` counting the generated readers' tries on states of `caps`, and those they gave up. */
function countingTries(caps: typeof capabilities, fn: () => void): { attempts: number; given: number } {
  const tries = { attempts: 0, given: 0 };
  const counting = (own: UsualPaths): UsualPaths => ({
    ...own,
    read: (...args) => {
      tries.attempts++;
      const state = own.read(...args);
      if (state === undefined) tries.given++;
      return state;
    },
  });
  withUsual(caps, counting, fn);
  return tries;
}

type Failure = { error: { code: string; offset: number; path: string; message: string } };
type Outcome = { message: unknown; json: unknown; fromJson: unknown } | Failure;

function failure(e: unknown): Failure {
  if (!(e instanceof AutoApiError)) throw e;
  return { error: { code: e.code, offset: e.offset, path: e.path, message: e.message } };
}

/** fromJSON of `json`, and the bytes of what it gave. */
function fromJsonOutcome(json: unknown): { message: unknown; bytes: string } | Failure {
  try {
    const message = fromJSON(json as never);
    return { message, bytes: toHex(encode(message)) };
  } catch (e) {
    return failure(e);
  }
}

function outcome(bytes: Uint8Array): Outcome {
  try {
    const message = decode(bytes);
    const json = toJSON(message);
    return { message, json, fromJson: fromJsonOutcome(json) };
  } catch (e) {
    return failure(e);
  }
}

function expectSameAsGeneral(bytes: Uint8Array): Outcome {
  const usual = outcome(bytes);
  expect(usual).toStrictEqual(generalOnly(() => outcome(bytes)));
  return usual;
}

/**
 * The JSON of a message with one property's value swapped for something else: a value of another shape, a
 * component the generated paths leave to the general one, or a value a codec or the timestamp parser refuses.
 */
function damagedJson(json: { set: Record<string, Record<string, unknown>> }, pick: number, variant: number): unknown {
  const [capName, body] = Object.entries(json.set)[0]!;
  const keys = Object.keys(body);
  const copy: Record<string, unknown> = structuredClone(body);
  if (keys.length === 0 || variant === 0) {
    copy[['nope', '0x7f', '0xfe', 'constructor'][pick % 4]!] = { data: 1 };
    return { set: { [capName]: copy } };
  }
  const key = keys[pick % keys.length]!;
  const value = copy[key];
  const one = (Array.isArray(value) ? value[0] : value) as { data?: unknown; timestamp?: unknown } | null;
  const data = one?.data;
  const variants: unknown[] = [
    null,
    {},
    [],
    'text',
    { timestamp: '2019-09-30T15:34:10.000Z' },
    { timestamp: '2019-09-30T15:34:10.000Z', data },
    { data, timestamp: 'yesterday' },
    { data, timestamp: '2019-09-30T15:34:61.000Z' },
    { data, timestamp: undefined },
    { data: undefined },
    { data: { $unknown: '00ff' } },
    { data: { $unknown: 'zz' } },
    { data: 'not a value' },
    { data: -1.5 },
    { data, '0x09': 'abcd' },
    { data, failure: { reason: 'rate_limit', description: 'x' } },
    { data, timestamp: '2019-09-30T15:34:10.000Z', extra: 1 },
    Object.assign(Object.create(null), { data }),
  ];
  const swapped = variants[variant % variants.length];
  // A multiple property keeps its array and has one item swapped, or is swapped whole.
  if (Array.isArray(value) && value.length > 0 && variant % 2 === 0) value[pick % value.length] = swapped;
  else copy[key] = swapped;
  return { set: { [capName]: copy } };
}

describe('generated paths for the usual shape', () => {
  it('are in every capability', () => {
    expect(capabilities.length).toBe(model.capabilities.length);
    for (const c of capabilities) expect(c.usual, c.name).toBeDefined();
  });

  it('decode and convert every documented example as the general paths do', () => {
    const examples = propertyExamples({ universalIn: 'every' });
    expect(examples.length).toBeGreaterThan(500);
    for (const e of examples) {
      const bytes = fromHex(stateMessage(e.capability.id, property(e.property.id, component(1, e.example.hex))));
      expectSameAsGeneral(bytes);
    }
  });

  it('decode and convert random messages as the general paths do', () => {
    const capabilityArb = fc.constantFrom(...model.capabilities);
    const messages = fc.oneof(capabilityArb.chain((c) => stateMessageArb(c)).map((m) => encode(m)), wireMessageArb());
    fc.assert(
      fc.property(messages, (bytes) => {
        expectSameAsGeneral(bytes);
      }),
      params(400),
    );
  });

  it('report the errors of damaged messages as the general paths do', () => {
    const capabilityArb = fc.constantFrom(...model.capabilities);
    const damaged = fc
      .tuple(capabilityArb.chain((c) => stateMessageArb(c)).map((m) => encode(m)), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([bytes, at, byte]) => {
        const b = Uint8Array.from(bytes);
        if (b.length > 4) b[4 + (at % (b.length - 4))] = byte;
        return b;
      });
    let errors = 0;
    fc.assert(
      fc.property(damaged, (bytes) => {
        if ('error' in expectSameAsGeneral(bytes)) errors++;
      }),
      params(400),
    );
    expect(errors).toBeGreaterThan(20);
  });

  it('read damaged JSON as the general paths do, errors and all', () => {
    const capabilityArb = fc.constantFrom(...model.capabilities);
    const cases = fc.tuple(capabilityArb.chain((c) => stateMessageArb(c)), fc.nat(), fc.nat());
    let errors = 0;
    let taken = 0;
    fc.assert(
      fc.property(cases, ([message, pick, variant]) => {
        const json = damagedJson(toJSON(message) as never, pick, variant);
        const got = fromJsonOutcome(json);
        expect(got).toStrictEqual(generalOnly(() => fromJsonOutcome(json)));
        if ('error' in got) errors++;
        else taken++;
      }),
      params(600),
    );
    expect(errors).toBeGreaterThan(100);
    expect(taken).toBeGreaterThan(100);
  });

  it('read the JSON of each nested state at most once by the generated paths, however the states nest', () => {
    // The innermost state has a bad timestamp, so every level's generated path gives up. Were each level to
    // try its nested states again, the work would double per level (16 levels took over a second).
    const depth = 12;
    let json: unknown = { set: { doors: { locks_state: { data: 'locked', timestamp: 'yesterday' } } } };
    for (let i = 0; i < depth; i++) json = { set: { historical: { states: [{ data: json, timestamp: '2019-09-30T15:34:10.000Z' }] } } };
    let attempts = 0;
    const got = withUsual(
      capabilities.filter((c) => c.name === 'historical' || c.name === 'doors'),
      (own) => ({ ...own, fromJson: (...args) => (attempts++, own.fromJson!(...args)) }),
      () => fromJsonOutcome(json),
    );
    expect(got).toStrictEqual(generalOnly(() => fromJsonOutcome(json)));
    expect(got).toMatchObject({ error: { code: 'INVALID_VALUE', path: `set${'.historical.states[0].data.set'.repeat(depth)}.doors.locks_state.timestamp` } });
    expect(attempts).toBe(depth + 1);
  });

  it('take every state of the benchmark fixtures themselves', () => {
    // The fixtures are states of the usual shape, nested ones included: none may fall to the general reader.
    const fixtures = (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'bench', 'fixtures.json'), 'utf8')) as { fixtures: Array<{ hex: string }> }).fixtures;
    const tries = countingTries(capabilities, () => {
      for (const f of fixtures) expect('message' in expectSameAsGeneral(fromHex(f.hex))).toBe(true);
    });
    // 4 outer states, 20 nested in Historical and 6 in Vehicle Status.
    expect(tries).toEqual({ attempts: 30, given: 0 });
  });

  it('try each nested state at most once, however the states nest', () => {
    // Every level holds a nested state, then a property the generated reader gives up on (a timestamp without
    // data). Were each level that gives up to try its nested states again, the attempts would double per level.
    const depth = 8;
    let inner = '0d002001';
    for (let i = 0; i < depth; i++) inner = stateMessage(0x12, property(0x01, component(1, inner)), property(0xa2, component(2, '0000016d82d6f1a0')));
    let decoded: Outcome | undefined;
    const tries = countingTries(
      capabilities.filter((c) => c.name === 'historical'),
      () => (decoded = expectSameAsGeneral(fromHex(inner))),
    );
    expect(decoded !== undefined && 'message' in decoded).toBe(true);
    expect(tries).toEqual({ attempts: depth, given: depth });
  });
});
