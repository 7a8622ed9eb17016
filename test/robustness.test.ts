/**
 * Hostile and damaged input: depth limits, huge inputs, lenient decoding, strict encoding, untrusted JSON,
 * strings that are not UTF-8, and the documented error codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AutoApiError, Charging, decode, encode, fromHex, fromJSON, toHex, toJSON, Unknown, type StateMessage } from '../src/index.js';
import { registry } from '../src/generated/capability-registry.js';
import { defineCapability, defineRegistry, encodeMessage, messageFromJson, resolveRegistry } from '../src/runtime/index.js';
import { defineMeasurement, type Measured, type MeasurementCodec } from '../src/runtime/base.js';
import { Writer } from '../src/runtime/writer.js';
import { component, h2, h4, property, stateMessage } from './support/spec.js';

/** Historical states nested `depth` levels deep around an empty Doors state (10 bytes per level). */
function nestedHistorical(depth: number): string {
  let inner = '0d002001';
  for (let i = 0; i < depth; i++) inner = stateMessage(0x12, property(0x01, component(1, inner)));
  return inner;
}

function thrown(fn: () => unknown): AutoApiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AutoApiError);
    return e as AutoApiError;
  }
  throw new Error('expected an AutoApiError');
}

describe('depth limit', () => {
  it('decodes up to the default depth, refuses one more', () => {
    expect(() => decode(fromHex(nestedHistorical(8)))).not.toThrow();
    const e = thrown(() => decode(fromHex(nestedHistorical(9))));
    expect(e.code).toBe('DEPTH_LIMIT');
    // The ninth level is the one refused: the path names the property that holds it.
    expect(e.path).toBe(Array(9).fill('historical.states[0]').join('.'));
  });

  it('is configurable, up to 64', () => {
    const deep = fromHex(nestedHistorical(64));
    expect(decode(deep, { maxDepth: 64 }).type).toBe('set');
    expect(thrown(() => decode(deep, { maxDepth: 63 })).code).toBe('DEPTH_LIMIT');
    expect(thrown(() => decode(deep, { maxDepth: 65 })).code).toBe('INVALID_INPUT');
    // What decodes also re-encodes and converts to JSON at that depth.
    const m = decode(deep, { maxDepth: 64 });
    expect(encode(m)).toEqual(deep);
    expect(encode(fromJSON(JSON.parse(JSON.stringify(toJSON(m)))))).toEqual(deep);
  });

  it('stops the deepest payload u16 sizes allow (6,553 levels) and a 10,000-level one without a crash', () => {
    const deepest = fromHex(nestedHistorical(6553));
    expect(deepest.length).toBeLessThan(65536 + 10);
    expect(thrown(() => decode(deepest)).code).toBe('DEPTH_LIMIT');
    expect(thrown(() => decode(deepest, { maxDepth: 64 })).code).toBe('DEPTH_LIMIT');
    // 10,000 levels cannot all have true sizes (a u16 holds at most 65535), so they claim the most they can.
    const claimed = fromHex('0d00120101ffff01fffc'.repeat(10_000));
    expect(['DEPTH_LIMIT', 'TRUNCATED']).toContain(thrown(() => decode(claimed, { maxDepth: 64 })).code);
    expect(decode(claimed, { lenient: true }).issues?.length).toBeGreaterThan(0);
  });
});

describe('large input', () => {
  it('decodes 1 MB of properties and re-encodes it exactly', () => {
    const one = property(0x04, component(1, '0001'), component(2, '0000016d82cebd50'));
    const hex = stateMessage(0x20, ...Array.from({ length: 55_000 }, () => one));
    const bytes = fromHex(hex);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    const message = decode(bytes);
    expect(message.type === 'set' && message.capability === 'doors' && message.state.positions?.length).toBe(55_000);
    expect(encode(message)).toEqual(bytes);
  });

  it('refuses a size larger than what is left before reading it', () => {
    const e = thrown(() => decode(fromHex('0d00200104ffff01')));
    expect(e).toMatchObject({ code: 'TRUNCATED', offset: 7, path: 'doors.positions[0]' });
  });
});

describe('lenient decoding', () => {
  const good1 = property(0x06, component(1, '00'));
  const bad = property(0x05, component(1, '0001')); // an enum given 2 bytes
  const good2 = property(0x04, component(1, '0001'));

  it('keeps every good property and reports the bad one', () => {
    const hex = stateMessage(0x20, good1, bad, good2);
    expect(() => decode(fromHex(hex))).toThrow(AutoApiError);
    const m = decode(fromHex(hex), { lenient: true });
    expect(toJSON(m)).toEqual({ set: { doors: { locks_state: { data: 'unlocked' }, positions: [{ data: { location: 'front_left', position: 'open' } }] } } });
    expect(m.issues).toEqual([{ code: 'BAD_SIZE', offset: 17, path: 'doors.inside_locks_state.data', message: 'the data takes 1 bytes, 2 given' }]);
  });

  it('reports a truncated tail and trailing bytes', () => {
    const cut = stateMessage(0x20, good1, good2).slice(0, -2);
    const m = decode(fromHex(cut), { lenient: true });
    expect(toJSON(m)).toEqual({ set: { doors: { locks_state: { data: 'unlocked' } } } });
    expect(m.issues?.[0]).toMatchObject({ code: 'TRUNCATED', path: 'doors.positions[0]' });
    const trailing = decode(fromHex(stateMessage(0x20, good1) + 'ff'), { lenient: true });
    expect(trailing.issues?.[0]).toMatchObject({ code: 'TRUNCATED', offset: 11, path: 'doors' });
  });
});

describe('strict encoding', () => {
  // historical.capability_id is a 2-byte uinteger, so 70,000 is the "300 in a 1-byte uinteger" case one size up.
  const historical = (data: unknown) => () => encode({ type: 'set', capability: 'historical', capabilityId: 0x12, state: { capabilityID: { data } } } as never);
  it.each([
    ['a value too large for its integer size', historical(70_000), 'INVALID_VALUE', 'historical.capability_id.data'],
    ['-1 in an unsigned field', historical(-1), 'INVALID_VALUE', 'historical.capability_id.data'],
    ['a fractional integer', historical(1.5), 'INVALID_VALUE', 'historical.capability_id.data'],
    ['an unknown enum name', () => encode({ type: 'set', capability: 'charging', capabilityId: 0x23, state: { chargeMode: { data: 'warp' } } } as never), 'UNKNOWN_NAME', 'charging.charge_mode.data'],
    ['a missing mandatory setter input', () => Charging.setChargeMode({} as never), 'INVALID_VALUE', 'charging.set_charge_mode.charge_mode'],
    ['a disabled_in_setter value', () => Charging.setChargeMode({ chargeMode: 'inductive' } as never), 'INVALID_VALUE', 'charging.set_charge_mode.charge_mode'],
  ])('refuses %s, naming the path', (_, fn, code, path) => {
    expect(thrown(fn)).toMatchObject({ code, path });
  });

  it('refuses 300 in a 1-byte uinteger inside a custom type, naming the item', () => {
    const e = thrown(() => fromJSON({ set: { charging: { departure_times: [{ data: { state: 'active', time: { hour: 300, minute: 0 } } }] } } }));
    expect(e).toMatchObject({ code: 'INVALID_VALUE', path: 'set.charging.departure_times[0].data.time.hour' });
    expect(e.detail).toBe('300 does not fit uinteger(1) (0..255)');
  });

  it('refuses a string longer than its 2-byte length prefix allows, in encode and in fromJSON', () => {
    const description = 'ü'.repeat(40_000); // 80,000 bytes of UTF-8
    const warning = (d: string) => ({ set: { dashboard_lights: { dynamic_warnings: [{ data: { id: 'a', category: 'engine', description: d } }] } } });
    const message = fromJSON(warning('ok'));
    const typed = message.type === 'set' && message.capability === 'dashboard_lights' ? message.state.dynamicWarnings![0]!.data : undefined;
    (typed as { description: string }).description = description;
    expect(thrown(() => encode(message))).toMatchObject({ code: 'INVALID_VALUE', path: 'dashboard_lights.dynamic_warnings[0].data.description' });
    expect(thrown(() => fromJSON(warning(description)))).toMatchObject({ code: 'INVALID_VALUE', path: 'set.dashboard_lights.dynamic_warnings[0].data.description' });
    expect(() => fromJSON(warning('ü'.repeat(30_000)))).not.toThrow(); // 60,000 bytes fit
  });
});

describe('untrusted JSON', () => {
  it.each([
    ['{"__proto__":{"polluted":1}}', '__proto__'],
    ['{"set":{"charging":{"__proto__":{"data":"immediate"}}}}', 'set.charging.__proto__'],
    ['{"set":{"charging":{"charge_mode":{"constructor":1}}}}', 'set.charging.charge_mode.constructor'],
  ])('refuses forbidden keys: %s', (json, path) => {
    const e = thrown(() => fromJSON(JSON.parse(json)));
    expect(e.code).toBe('FORBIDDEN_KEY');
    expect(e.path).toBe(path);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"set":{"warp":{}}}', 'UNKNOWN_NAME', 'set.warp'],
    ['{"put":{"charging":{}}}', 'UNKNOWN_NAME', 'put'],
    ['{"set":{"charging":{"charge_mod":{"data":"immediate"}}}}', 'UNKNOWN_NAME', 'set.charging.charge_mod'],
    ['{"set":{"charging":{"charge_mode":{"data":"warp"}}}}', 'UNKNOWN_NAME', 'set.charging.charge_mode.data'],
    ['{"set":{"charging":{"departure_times":[{"data":{"state":"active","time":{"hour":300,"minute":0}}}]}}}', 'INVALID_VALUE', 'set.charging.departure_times[0].data.time.hour'],
    ['{"set":{"charging":{"departure_times":[{"data":{"state":"active","time":{"hour":1,"minute":0,"second":0}}}]}}}', 'UNKNOWN_NAME', 'set.charging.departure_times[0].data.time.second'],
    ['{"set":{"charging":{"charge_mode":{"timestamp":"yesterday"}}}}', 'INVALID_VALUE', 'set.charging.charge_mode.timestamp'],
  ])('refuses %s', (json, code, path) => {
    expect(thrown(() => fromJSON(json))).toMatchObject({ code, path });
  });
});

describe('strings that are not UTF-8', () => {
  it('are kept as Unknown bytes and re-encode exactly; valid ones are plain strings', () => {
    const bad = stateMessage(0x14, property(0xa3, component(1, 'c328ff41'))); // vin, not UTF-8
    const m = decode(fromHex(bad));
    const vin = m.type === 'set' ? (m.state as { vin?: { data?: unknown } }).vin?.data : undefined;
    expect(vin).toBeInstanceOf(Unknown);
    expect(toJSON(m)).toEqual({ set: { vehicle_information: { vin: { data: { $unknown: 'c328ff41' } } } } });
    expect(toHex(encode(m))).toBe(bad);
    expect(toHex(encode(fromJSON(JSON.parse(JSON.stringify(toJSON(m))))))).toBe(bad);
    const good = decode(fromHex(stateMessage(0x14, property(0xa3, component(1, 'efbbbf53c3bc')))));
    expect(good.type === 'set' && (good.state as { vin?: { data?: unknown } }).vin?.data).toBe('\ufeffSü');
  });
});

describe('strings on the way out', () => {
  // Any UTF-16 code unit, with lone surrogates and whole pairs (code points past U+FFFF) weighted up.
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
    { weight: 2, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) },
    // Each edge between 1, 2, 3 and 4 bytes, and of the surrogate ranges.
    { weight: 2, arbitrary: fc.constantFrom(0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xffff).map((c) => String.fromCharCode(c)) },
    { weight: 1, arbitrary: fc.constantFrom(0x10000, 0x10ffff).map((c) => String.fromCodePoint(c)) },
  );
  const text = fc.array(piece, { maxLength: 16 }).map((pieces) => pieces.join(''));

  it('are the bytes TextEncoder gives, at the top of a property and inside a custom type; a lone surrogate is refused', () => {
    let refused = 0;
    let pairs = 0;
    fc.assert(
      fc.property(text, (s) => {
        const name = fromJSON({ set: { vehicle_information: { name: { data: 'x' } } } });
        (name as { state: { name: { data: string } } }).state.name.data = s;
        const warning = fromJSON({ set: { dashboard_lights: { dynamic_warnings: [{ data: { id: 'a', category: 'engine', description: 'x' } }] } } });
        (warning as { state: { dynamicWarnings: Array<{ data: { description: string } }> } }).state.dynamicWarnings[0]!.data.description = s;
        if (!s.isWellFormed()) {
          refused++;
          expect(thrown(() => encode(name))).toMatchObject({ code: 'INVALID_VALUE', path: 'vehicle_information.name.data' });
          expect(thrown(() => encode(warning))).toMatchObject({ code: 'INVALID_VALUE', path: 'dashboard_lights.dynamic_warnings[0].data.description' });
          return;
        }
        if (/[\ud800-\udfff]/.test(s)) pairs++;
        const utf8 = new TextEncoder().encode(s);
        expect(toHex(encode(name))).toBe(stateMessage(0x14, property(0x04, component(1, toHex(utf8)))));
        expect(toHex(encode(warning))).toContain(`${h4(utf8.length)}${toHex(utf8)}`);
        expect(decode(encode(warning))).toEqual(warning);
      }),
      // Two low halves in a row; a high half last; the highest pair.
      { numRuns: 500, examples: [['\udc00\udc00'], ['a\udbff'], ['\udbff\udfff']] },
    );
    expect(refused).toBeGreaterThan(20);
    expect(pairs).toBeGreaterThan(20);
  });
});

describe('error codes', () => {
  it('are all listed in the README', () => {
    const source = readFileSync(join(import.meta.dirname, '..', 'src', 'runtime', 'errors.ts'), 'utf8');
    const codes = [...source.matchAll(/\| '([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    for (const code of codes) expect(readme, code).toContain(`| \`${code}\` |`);
  });

  it('never surface as RangeError or TypeError on odd input types', () => {
    expect(thrown(() => decode([0x0d] as never)).code).toBe('INVALID_INPUT');
    expect(thrown(() => decode(new Uint8Array())).code).toBe('TRUNCATED');
    expect(thrown(() => encode(null as never)).code).toBe('INVALID_INPUT');
    expect(thrown(() => fromJSON('not json')).code).toBe('INVALID_INPUT');
  });
});

describe('timestamps in JSON', () => {
  it('format exactly as Date.prototype.toISOString, across the 4-digit years', () => {
    const probes = [0, 1, 999, 86_399_999, 951_782_400_000, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15];
    for (let i = 0; i < 20_000; i++) probes.push(Math.floor(((i * 7919) % 20_000) * 12_670_115_040.1));
    for (const ms of probes) {
      const hex = stateMessage(0x23, property(0x0c, component(2, ms.toString(16).padStart(16, '0'))));
      const json = toJSON(decode(fromHex(hex))) as { set: { charging: { charge_mode: { timestamp: string } } } };
      expect(json.set.charging.charge_mode.timestamp).toBe(new Date(ms).toISOString());
      expect(toHex(encode(fromJSON(json)))).toBe(hex);
    }
  });

  it('format each timestamp on its own, whatever minute and day came before (the formatter remembers the last two minutes)', async () => {
    // A fresh copy of the module: its very first timestamp, in the first minute of 1970, has no minute before it.
    vi.resetModules();
    const fresh = (await import('../src/runtime/values.js')) as typeof import('../src/runtime/values.js');
    const sequence = [0, 59_999, 60_000, 1, 86_399_999, 86_400_000, 86_340_000, 1_569_857_699_999, 1_569_857_700_000, 1_484_065_925_000, 1_569_857_700_001, 1_569_857_640_000];
    for (let i = 0; i < 5000; i++) sequence.push(1_569_857_650_000 + ((i * 7919) % 300_000) * (i % 3 === 0 ? 1000 : 1));
    // A message's property times with a date value among them, and three minutes in turn.
    for (let i = 0; i < 600; i++) sequence.push(i % 7 === 3 ? 1_484_065_925_000 + i : 1_569_857_650_000 + i * 997);
    for (let i = 0; i < 600; i++) sequence.push(1_569_857_650_000 + (i % 3) * 3_600_000 + i);
    for (const ms of sequence) expect(fresh.timestampToJson(new Date(ms)), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('parse each timestamp on its own, whatever hour came before (the parser remembers the last two minutes and hours)', async () => {
    vi.resetModules();
    const fresh = (await import('../src/runtime/values.js')) as typeof import('../src/runtime/values.js');
    // What Date itself reads back to the very same text; anything else must be refused.
    const expected = (s: string): number | undefined => {
      const ms = Date.parse(s);
      return Number.isFinite(ms) && new Date(ms).toISOString() === s ? ms : undefined;
    };
    const got = (s: string): number | undefined => {
      try {
        return (fresh.timestampFromJson(s) as Date).getTime();
      } catch {
        return undefined;
      }
    };
    const swaps = '0123456789:;./-TZz ';
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      // Mostly a few minutes around one moment, so that most strings fall in the hour parsed just before.
      const ms = 1_569_857_650_000 + ((i * 7919) % 200_000) * (i % 5 === 0 ? 60_000 : 1);
      let s = new Date(ms).toISOString();
      if (i % 2 === 1) {
        // Every position with every character: 24 and 19 have no common factor.
        const at = (i >> 1) % 24;
        s = s.slice(0, at) + swaps[(i >> 1) % swaps.length] + s.slice(at + 1);
      }
      expect(got(s), s).toBe(expected(s));
      if (expected(s) === undefined) refused++;
    }
    expect(refused).toBeGreaterThan(1000);
  });

  it.each([
    ['2020-02-29T12:00:00Z', '2020-02-29T12:00:00.000Z'],
    ['2019-01-01T00:00:00.000+01:00', '2018-12-31T23:00:00.000Z'],
    ['2019-01-01T00:00Z', '2019-01-01T00:00:00.000Z'],
    ['2019-01-01T00:00:00.1230Z', '2019-01-01T00:00:00.123Z'],
    ['1569857650000', '2019-09-30T15:34:10.000Z'],
  ])('reads %s', (text, iso) => {
    const m = fromJSON({ set: { charging: { charge_mode: { timestamp: text } } } });
    expect((toJSON(m) as { set: { charging: { charge_mode: { timestamp: string } } } }).set.charging.charge_mode.timestamp).toBe(iso);
  });

  it('refuse a bad character in the seconds, milliseconds or zone, right after a good timestamp', () => {
    const read = (text: string) => fromJSON({ set: { charging: { charge_mode: { timestamp: text } } } });
    for (const bad of ['2019-09-30T15:34:60.000Z', '2019-09-30T15:34:1a.000Z', '2019-09-30T15:34:10,000Z', '2019-09-30T15:34:10.00aZ', '2019-09-30T15:34:10.000z']) {
      expect(toHex(encode(read('2019-09-30T15:34:59.999Z')))).toBe(stateMessage(0x23, property(0x0c, component(2, (1569857699999).toString(16).padStart(16, '0')))));
      expect(thrown(() => read(bad)), bad).toMatchObject({ code: 'INVALID_VALUE' });
    }
  });

  it('check each day on its own, whatever day came before (the parser remembers the last day)', () => {
    const read = (text: string) => fromJSON({ set: { charging: { charge_mode: { timestamp: text } } } });
    const ms = (text: string) => ((read(text) as StateMessage).state as { chargeMode: { timestamp: Date } }).chargeMode.timestamp.getTime();
    for (const [good, bad] of [['2020-02-29', '2019-02-29'], ['2019-02-28', '2019-02-29'], ['2019-04-30', '2019-04-31'], ['2019-12-31', '2019-13-31'], ['1970-01-01', '1970-02-30']]) {
      expect(ms(`${good}T10:00:00.000Z`)).toBe(Date.parse(`${good}T10:00:00.000Z`));
      expect(thrown(() => read(`${bad}T10:00:00.000Z`)), bad).toMatchObject({ code: 'INVALID_VALUE' });
      expect(ms(`${good}T23:59:59.999Z`)).toBe(Date.parse(`${good}T23:59:59.999Z`));
    }
  });

  it.each(['2019-02-29T00:00:00.000Z', '2019-04-31T00:00:00Z', '2019-13-01T00:00:00.000Z', '2019-01-01T24:00:00.000Z', '2019-01-01T00:00:00.1234Z', '2019-01-01', 'yesterday', '2019-0a-01T00:00:00.000Z', '2019-09-30T15:34:1/.000Z', '2019-09-30T15:34:1:.000Z', '2019-09-30T15:60:10.000Z', '2019-09-30T15:34:10.00 Z'])(
    'refuses %s rather than rolling it over or rounding it',
    (text) => {
      expect(thrown(() => fromJSON({ set: { charging: { charge_mode: { timestamp: text } } } }))).toMatchObject({ code: 'INVALID_VALUE', path: 'set.charging.charge_mode.timestamp' });
    },
  );
});

describe('capability names', () => {
  // Entry points remember the capability they found last by name (capabilityNamed); another registry may give
  // the same name to another capability.
  it('mean what the registry in use says, whichever was asked last', () => {
    const shared = resolveRegistry(registry);
    const other = defineRegistry([defineCapability(0x0abc, 'charging', () => [], () => false)], shared.failure, shared.availability);
    const json = { set: { charging: {} } };
    for (let i = 0; i < 4; i++) {
      expect(messageFromJson(registry, json)).toMatchObject({ capability: 'charging', capabilityId: 0x23 });
      expect(messageFromJson(other, json)).toMatchObject({ capability: 'charging', capabilityId: 0x0abc });
      expect(toHex(encodeMessage(other, { type: 'set', capability: 'charging', capabilityId: 0, state: {} } as StateMessage))).toBe('0d0abc01');
      expect(toHex(encode({ type: 'set', capability: 'charging', capabilityId: 0, state: {} } as StateMessage))).toBe('0d002301');
    }
  });
});

describe('unit names', () => {
  // Each measurement remembers the unit it found last; any other name must still be looked up, or refused.
  const units = { meters: { id: 0 }, kilometers: { id: 1 }, miles: { id: 2 } };
  const written = (codec: MeasurementCodec<string>, unit: unknown): string => {
    const w = new Writer(16);
    codec.write(w, { unit, value: 1 } as Measured<string>);
    return toHex(w.finish()).slice(2, 4);
  };

  it('give each name its own unit, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('meters', 'kilometers', 'miles', 'furlongs', undefined, 7), { maxLength: 30 }), (names) => {
        const codec = defineMeasurement('length', 0x12, units);
        for (const name of names) {
          const id = typeof name === 'string' ? units[name as keyof typeof units]?.id : undefined;
          if (id === undefined) {
            expect(thrown(() => written(codec, name))).toMatchObject({ code: 'UNKNOWN_NAME' });
            expect(thrown(() => codec.fromJSON({ unit: name, value: 1 }))).toMatchObject({ code: 'UNKNOWN_NAME' });
          } else {
            expect(written(codec, name)).toBe(h2(id));
            expect(codec.fromJSON({ unit: name, value: 1 })).toEqual({ unit: name, value: 1 });
          }
        }
      }),
    );
  });

  it('refuses a missing unit as the first lookup, also where a measurement has no units', () => {
    expect(thrown(() => written(defineMeasurement('length', 0x12, units), undefined))).toMatchObject({ code: 'UNKNOWN_NAME' });
    expect(thrown(() => written(defineMeasurement('none', 0x13, {}), undefined))).toMatchObject({ code: 'UNKNOWN_NAME' });
  });
});

describe('encode results', () => {
  // Small results are views into a shared ArrayBuffer (see pooledCopy); each must still behave as its own copy.
  const hexOf = (n: number) => stateMessage(0x23, property(0x0c, component(1, h4(n).slice(2))));

  it('do not overlap and survive later encodes', () => {
    const results = Array.from({ length: 3000 }, (_, i) => encode(decode(fromHex(hexOf(i % 5)))));
    for (let i = 0; i < results.length; i++) {
      expect(toHex(results[i]!)).toBe(hexOf(i % 5));
      if (i > 0 && results[i]!.buffer === results[i - 1]!.buffer) {
        expect(results[i]!.byteOffset).toBeGreaterThanOrEqual(results[i - 1]!.byteOffset + results[i - 1]!.length);
      }
      expect(results[i]!.byteOffset % 8).toBe(0);
    }
    // More results than one pool holds, so several pools were used.
    expect(new Set(results.map((r) => r.buffer)).size).toBeGreaterThan(1);
    results[0]!.fill(0xff);
    expect(toHex(results[1]!)).toBe(hexOf(1));
  });

  it('above 4 KiB get an ArrayBuffer of their own', () => {
    const big = stateMessage(0x23, property(0xa3, component(1, '41'.repeat(5000))));
    const out = encode(decode(fromHex(big)));
    expect(toHex(out)).toBe(big);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(out.length);
  });

  // Top-level encodes write straight into the pool's free space (see writeIntoPool); these check what could go
  // wrong with that: a message growing past the pool's end, an encode inside an encode, an encode that fails.
  it('are whole when a message grows past the end of the pool it started in', () => {
    const sizes = [10, 3000, 4090, 4100, 7000, 40_000]; // string data bytes, so messages either side of 4 KiB
    const small = Array.from({ length: 40 }, (_, i) => encode(decode(fromHex(hexOf(i % 5)))));
    for (let round = 0; round < 30; round++) {
      for (const n of sizes) {
        const hex = stateMessage(0x23, property(0xa3, component(1, (round % 2 ? '41' : '42').repeat(n))));
        const out = encode(decode(fromHex(hex)));
        expect(toHex(out)).toBe(hex);
        if (out.length > 4096) expect(out.buffer.byteLength).toBe(out.length);
        small.push(encode(decode(fromHex(hexOf(round % 5)))));
      }
    }
    small.forEach((r, i) => expect(toHex(r)).toBe(hexOf(i < 40 ? i % 5 : Math.floor((i - 40) / sizes.length) % 5)));
  });

  it('are whole when the key-order walk grows past the pool, then goes back and takes the general way', () => {
    // wireOrder names a property the state lacks, so the walk gives up after writing the first, large one.
    const text = (n: number) => 'x'.repeat(n);
    const hexText = (n: number) => '78'.repeat(n);
    for (const n of [100, 5000, 30_000, 65_000]) {
      const state = { hmKitBuildName: { data: text(n) }, applicationVersion: { data: '1.0' } };
      const message = { type: 'set', capability: 'firmware_version', capabilityId: 0x03, state, wireOrder: [0x02, 0x01, 0x03] } as StateMessage;
      const expected = stateMessage(0x03, property(0x02, component(1, hexText(n))) + property(0x03, component(1, '312e30')));
      for (let i = 0; i < 12; i++) expect(toHex(encode(message))).toBe(expected); // from wherever the pool is
    }
  });

  it('are whole when another encode runs inside one, and when one fails part way', () => {
    const inner: Uint8Array[] = [];
    const stamp = { data: { unit: 'kilometers', value: 432.1 }, timestamp: new Date(Date.UTC(2019, 8, 30)) };
    // A unit read runs code: here, another encode, which must not write where the outer one is writing.
    const sneaky = (fail: boolean) => ({
      get unit() {
        inner.push(encode(decode(fromHex(hexOf(inner.length % 5)))));
        if (fail) throw new Error('a getter failed');
        return 'kilometers';
      },
      value: 432.1,
    });
    const message = (data: unknown): StateMessage => ({ type: 'set', capability: 'charging', capabilityId: 0x23, state: { estimatedRange: { ...stamp, data } } }) as StateMessage;
    const expected = toHex(encode(message(stamp.data)));
    const before = encode(decode(fromHex(hexOf(3))));
    const outer: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      if (i % 3 === 2) expect(() => encode(message(sneaky(true)))).toThrow('a getter failed');
      else outer.push(encode(message(sneaky(false))));
    }
    outer.forEach((r) => expect(toHex(r)).toBe(expected));
    inner.forEach((r, i) => expect(toHex(r)).toBe(hexOf(i % 5)));
    expect(toHex(before)).toBe(hexOf(3));
    expect(toHex(encode(message(stamp.data)))).toBe(expected);
    // Failed encodes let go of the pool: small results share it again.
    const [a, b] = [encode(decode(fromHex(hexOf(1)))), encode(decode(fromHex(hexOf(2))))];
    expect(a.buffer).toBe(b.buffer);
  });
});
