/**
 * Property-based round trips over every property of every capability, with values generated from the spec model
 * (test/support/arbitraries.ts). Fixed seed, bounded runs: the file runs in a few seconds and fails the same
 * way every time. Set FC_SEED / FC_RUNS to explore further.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AutoApiError, decode, encode, fromHex, fromJSON, registry, toHex, toJSON, Unknown } from '../src/index.js';
import { forEachProperty, resolveRegistry, tablesOf, type StateMessage, type UsualPaths } from '../src/runtime/index.js';
import { layoutOf, messageArb, propertiesOf, requestMessageArb, stateMessageArb, type AnyMessage } from './support/arbitraries.js';
import { component, model, property, stateMessage } from './support/spec.js';
import { capabilities, generalOnly, withUsual } from './support/usual.js';

const SEED = Number(process.env.FC_SEED ?? 0x0d13);
const RUNS = Number(process.env.FC_RUNS ?? 1);
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: Math.ceil(numRuns * RUNS) });

/** Every property of every capability (universal ones included), labelled "charging.departure_times". */
const cases = model.capabilities.flatMap((capability) =>
  propertiesOf(capability).map((property) => [`${capability.name}.${property.name}`, capability, property] as const),
);

/** Runs per test: a fixed budget shared by all properties (or capabilities), within bounds, so the file stays fast
 * however large the spec grows while every property still gets a few messages of its own. */
const share = (budget: number, n: number, min: number, max: number): number => Math.min(max, Math.max(min, Math.ceil(budget / n)));
const PER_PROPERTY = share(2500, cases.length, 3, 25);
const PER_PROPERTY_JSON = share(1500, cases.length, 2, 15);
const PER_CAPABILITY = share(250, model.capabilities.length, 3, 20);

/** JSON text and back, as a message would travel. */
const viaJsonText = (m: AnyMessage): unknown => JSON.parse(JSON.stringify(toJSON(m)));

describe('decode(encode(m)) is m', () => {
  it.each(cases)('%s', (_, capability, property) => {
    fc.assert(
      fc.property(stateMessageArb(capability, { include: property }), (m) => {
        const bytes = encode(m);
        const back = decode(bytes);
        expect(back).toEqual(m);
        // toEqual already tells -0 from 0 and compares Dates, Uint8Arrays and Unknowns by value; the bytes and the
        // JSON say it once more without relying on that.
        expect(toHex(encode(back))).toBe(toHex(bytes));
        expect(toJSON(back)).toEqual(toJSON(m));
      }),
      params(PER_PROPERTY),
    );
  });

  it('holds for capabilities the spec does not define', () => {
    fc.assert(
      fc.property(stateMessageArb(undefined), (m) => {
        expect(decode(encode(m))).toEqual(m);
      }),
      params(100),
    );
  });

  it('holds for get and availability requests', () => {
    fc.assert(
      fc.property(requestMessageArb(), (m) => {
        expect(decode(encode(m))).toEqual(m);
      }),
      params(100),
    );
  });
});

describe('fromJSON(toJSON(m)) encodes like m', () => {
  // The JSON form groups all occurrences of a property id under one key, so it can only restore a wire order in
  // which they are adjacent: `grouped` generates such messages, which must come back exactly.
  it.each(cases)('%s', (_, capability, property) => {
    fc.assert(
      fc.property(stateMessageArb(capability, { include: property, grouped: true }), (m) => {
        const again = fromJSON(viaJsonText(m));
        expect(again).toEqual(m);
        expect(toHex(encode(again))).toBe(toHex(encode(m)));
      }),
      params(PER_PROPERTY_JSON),
    );
  });

  it('keeps the content of messages with interleaved multiple properties', () => {
    fc.assert(
      fc.property(oneCapabilityMessage(), (m) => {
        const json = viaJsonText(m);
        const bytes = encode(fromJSON(json));
        expect(toJSON(decode(bytes))).toEqual(json);
      }),
      params(150),
    );
  });

  it('holds for requests and nested messages of any kind', () => {
    fc.assert(
      fc.property(fc.oneof(requestMessageArb(), messageArb({ grouped: true })), (m) => {
        expect(toHex(encode(fromJSON(viaJsonText(m))))).toBe(toHex(encode(m)));
      }),
      params(150),
    );
  });
});

describe('the key-order shortcut of encode and toJSON', () => {
  /** What forEachProperty, the general visit, passes on: id, property, index. */
  function visited(m: StateMessage): unknown[] {
    const cap = m.capability === undefined ? undefined : resolveRegistry(registry).byName.get(m.capability);
    const out: unknown[] = [];
    forEachProperty(cap, m, (id, codec, property, index) => out.push([id, codec?.name, property, index]));
    return out;
  }
  /**
   * toJSON of `m` as text, which also shows the key order, and whether the generated path of m's capability
   * took its whole state (else the general visit ran). States nested in it are not counted.
   */
  function jsonOf(m: StateMessage): { text: string; taken: boolean } {
    let taken = false;
    const watching = (own: UsualPaths): UsualPaths => ({
      ...own,
      json: (...args) => {
        const body = own.json(...args);
        taken ||= body !== undefined;
        return body;
      },
    });
    const own = capabilities.filter((c) => c.name === m.capability);
    const text = JSON.stringify(withUsual(own, watching, () => toJSON(m)));
    return { text, taken };
  }

  /**
   * The bytes of the general visit's items, each encoded on its own (one property, no wireOrder) and put after
   * the message header: how encode must lay them out, whichever way it takes.
   */
  function bytesOfVisit(m: StateMessage): string {
    const items = visited(m) as Array<[number, string | undefined, unknown, number]>;
    const cap = resolveRegistry(registry).byName.get(m.capability!)!;
    const header = toHex(encode({ ...m, state: {}, wireOrder: undefined, unknownProperties: undefined } as never));
    return (
      header +
      items
        .map(([id, name, property]) => {
          const key = name === undefined ? undefined : tablesOf(cap).byName.get(name)!;
          const single = key === undefined ? { unknownProperties: [{ ...(property as object), id }] } : { state: { [key.key]: key.multiple ? [property] : property } };
          return toHex(encode({ ...m, state: {}, wireOrder: undefined, unknownProperties: undefined, ...single } as never)).slice(header.length);
        })
        .join('')
    );
  }

  // Messages of capabilities with several multiple properties, then their wire order shuffled (same ids, same
  // counts): mostly orders the shortcut must refuse, some that merely repeat the key order.
  const several = model.capabilities.filter((c) => propertiesOf(c).filter((p) => p.multiple).length >= 2);
  const shuffled = fc
    .tuple(fc.constantFrom(...several).chain((c) => stateMessageArb(c)), fc.array(fc.nat(), { maxLength: 24 }), fc.boolean())
    .map(([m, keys, withEmpty]) => {
      const s = m as StateMessage;
      const order = (s.wireOrder ?? []).map((id, i) => [keys[i] ?? i, i, id] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      // Now and then an empty multiple property, first or last among the keys: it has no place in wireOrder.
      const capability = model.capabilities.find((c) => c.name === s.capability)!;
      const empty = propertiesOf(capability).find((p) => p.multiple && !(p.nameCased in s.state));
      const state = withEmpty && empty ? (keys.length % 2 ? { [empty.nameCased]: [], ...s.state } : { ...s.state, [empty.nameCased]: [] }) : s.state;
      return [s, { ...s, state, wireOrder: order.map((x) => x[2]) }] as const;
    });

  it('toJSON gives what the general visit gives, whether the key order meets wireOrder or not', () => {
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(shuffled, ([...messages]) => {
        for (const m of messages) {
          const json = jsonOf(m);
          if (json.taken) taken++;
          else refused++;
          expect(json.text).toBe(JSON.stringify(generalOnly(() => toJSON(m))));
          // As the general visit, toJSON leaves out an empty multiple property.
          const body = Object.values(Object.values(toJSON(m) as Record<string, Record<string, Record<string, unknown>>>)[0]!)[0]!;
          for (const value of Object.values(body)) if (Array.isArray(value)) expect(value.length).toBeGreaterThan(0);
        }
      }),
      params(400),
    );
    // Both sides were exercised, not skipped every time.
    expect(taken).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(40);
  });

  it('encode writes what the general visit visits, in its order, even when the key order fails part way', () => {
    let partWay = 0;
    fc.assert(
      fc.property(shuffled, ([...messages]) => {
        // Also with the last key taken out by hand, which wireOrder still names.
        const entries = Object.entries(messages[1].state);
        for (const m of [...messages, { ...messages[1], state: Object.fromEntries(entries.slice(0, -1)) }]) {
          expect(toHex(encode(m))).toBe(bytesOfVisit(m));
          // Refused, though the first key is the one wireOrder starts with: encode wrote it, then took it back.
          const first = Object.keys(m.state).find((k) => (m.state as Record<string, unknown>)[k] !== undefined);
          const cap = resolveRegistry(registry).byName.get(m.capability!)!;
          if (!jsonOf(m).taken && m.wireOrder?.length && tablesOf(cap).byId[m.wireOrder[0]!]?.key === first) partWay++;
        }
      }),
      params(400),
    );
    expect(partWay).toBeGreaterThan(20);
  });

  it('is not taken when one multiple property\'s run is split around another\'s (A B B A)', () => {
    let checked = 0;
    for (const capability of model.capabilities) {
      const [a, b] = capability.properties.filter((p) => p.multiple && p.examples.length > 0);
      if (a === undefined || b === undefined) continue;
      const item = (p: typeof a): string => property(p.id, component(1, p.examples[0]!.hex.toLowerCase()));
      const hex = stateMessage(capability.id, item(a), item(b), item(b), item(a));
      const decoded = decode(fromHex(hex)) as StateMessage;
      expect(toHex(encode(decoded))).toBe(hex);
      expect(jsonOf(decoded).taken).toBe(false);
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('refuses a multiple property that is not an array, as the general visit does', () => {
    const error = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        if (e instanceof AutoApiError) return { code: e.code, path: e.path, message: e.message };
      }
      return 'no error';
    };
    let checked = 0;
    for (const capability of model.capabilities) {
      const [a, b] = capability.properties.filter((p) => p.multiple && p.examples.length > 0);
      if (a === undefined || b === undefined) continue;
      const item = (p: typeof a): string => property(p.id, component(1, p.examples[0]!.hex.toLowerCase()));
      const decoded = decode(fromHex(stateMessage(capability.id, item(a), item(b)))) as StateMessage;
      const state = decoded.state as Record<string, unknown[]>;
      // The last key: nothing after it would show the order broken.
      const broken = { ...decoded, state: { ...state, [b.nameCased]: state[b.nameCased]![0] } } as StateMessage;
      const general = { ...broken, wireOrder: undefined };
      expect(error(() => encode(broken))).toEqual(error(() => encode(general)));
      expect(error(() => toJSON(broken))).toEqual(error(() => toJSON(general)));
      expect((error(() => encode(broken)) as { code: string }).code).toBe('INVALID_VALUE');
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('applies to what decode and fromJSON build, and not to interleaved repeats', () => {
    fc.assert(
      fc.property(oneCapabilityMessage(), (m) => {
        const s = m as StateMessage;
        const decoded = decode(encode(m)) as StateMessage;
        const ids = decoded.wireOrder ?? [];
        // Grouped: each id's occurrences in a row. Then the shortcut must apply (no unknown properties).
        const grouped = ids.every((id, i) => i === 0 || id === ids[i - 1] || !ids.slice(0, i).includes(id));
        if (!s.unknownProperties?.length) expect(jsonOf(decoded).taken).toBe(grouped);
        if (!s.unknownProperties?.length) expect(jsonOf(fromJSON(toJSON(decoded)) as StateMessage).taken).toBe(true);
      }),
      params(200),
    );
  });
});

/** decode must refuse a cut message with a located TRUNCATED error (checked by hand: expect per prefix is slow). */
function expectTruncated(prefix: Uint8Array): void {
  let error: unknown;
  try {
    decode(prefix);
  } catch (e) {
    error = e;
  }
  const ok =
    error instanceof AutoApiError &&
    error.code === 'TRUNCATED' &&
    typeof error.offset === 'number' &&
    error.offset >= 0 &&
    error.offset <= prefix.length &&
    typeof error.path === 'string';
  if (!ok) expect.fail(`prefix of ${prefix.length} bytes ${toHex(prefix)}: expected a located TRUNCATED AutoApiError, got ${String(error)}`);
}

function oneCapabilityMessage(): fc.Arbitrary<AnyMessage> {
  return fc.constantFrom(...model.capabilities).chain((c) => stateMessageArb(c));
}

describe('a message cut short', () => {
  // A prefix that ends at a property boundary is a valid message with fewer properties; anywhere else (inside the
  // header or a property) it must be refused with a located AutoApiError.
  it.each(model.capabilities.map((c) => [c.name, c] as const))('%s: every proper prefix ending inside the header or a property throws', (_, capability) => {
    fc.assert(
      fc.property(stateMessageArb(capability), (m) => {
        const bytes = encode(m);
        const { boundaries } = layoutOf(bytes);
        expect(boundaries.at(-1)).toBe(bytes.length);
        for (let n = 0; n < bytes.length; n++) {
          const prefix = bytes.subarray(0, n);
          if (boundaries.includes(n)) {
            // Still a message: the properties before the cut, byte for byte.
            expect(toHex(encode(decode(prefix)))).toBe(toHex(prefix));
          } else {
            expectTruncated(prefix);
          }
        }
      }),
      params(PER_CAPABILITY),
    );
  });
});

describe('componentOrder', () => {
  // Was a bug: a first component 0x00 counted as out of order, adding a componentOrder that JSON did not restore.
  it('is absent when an unknown component 0x00 comes first in ascending order', () => {
    const cap = model.capabilities[0]!;
    const prop = cap.properties.find((p) => !p.multiple)!;
    const hex = `0d${cap.id.toString(16).padStart(4, '0')}01${prop.id.toString(16).padStart(2, '0')}0003000000`;
    const m = decode(fromHex(hex));
    expect(m.type === 'set' && (m.state as Record<string, { componentOrder?: number[] }>)[prop.nameCased]?.componentOrder).toBeUndefined();
  });
});

describe('encode writes only what decode accepts', () => {
  // Were bugs: encode checked values but not these framing rules, and wrote bytes our own decode refused.
  // Each is now an AutoApiError from encode (fromJSON cannot express them at all).
  const cap = model.capabilities.find((c) => c.properties.some((p) => !p.multiple))!;
  const single = cap.properties.find((p) => !p.multiple)!;
  const decodesBack = (m: AnyMessage): void => {
    let bytes: Uint8Array;
    try {
      bytes = encode(m);
    } catch (e) {
      if (e instanceof AutoApiError) return; // refused: fine
      throw e;
    }
    expect(() => decode(bytes), toHex(bytes)).not.toThrow();
  };

  it('a request asking twice for a single-valued property (decode: REPEATED_PROPERTY)', () => {
    decodesBack({ type: 'get', capability: cap.name, capabilityId: cap.id, propertyIds: [single.id, single.id] });
  });

  it('two unknown components with the same id (decode: DUPLICATE_COMPONENT)', () => {
    const twice = [0x04, 0x04].map((id) => ({ id, bytes: new Uint8Array() }));
    decodesBack({ type: 'set', capability: cap.name, capabilityId: cap.id, state: { [single.nameCased]: { unknownComponents: twice } } });
  });

  it('an unknown property carrying the id of a defined one (decode: read as that property, here REPEATED_PROPERTY)', () => {
    const unknownProperties = [{ id: single.id, data: new Unknown(new Uint8Array()) }];
    decodesBack({ type: 'set', capability: cap.name, capabilityId: cap.id, state: { [single.nameCased]: {} }, unknownProperties });
  });
});
