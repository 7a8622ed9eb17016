/**
 * Differential test against the official library (@highmobility/auto-api-javascript 1.6.1): every message it
 * decodes without error must give our toJSON, up to the deliberate differences normalized in
 * support/official.ts. All messages are built from spec/ (its examples and types), nothing is listed by hand.
 *
 * Counts with spec/ holding 59 capabilities (1178 documented examples), 10670 messages:
 *   group                                         messages  compared  rejected by the official library
 *   documented examples (a) + universal (b)           1178      1138        40 (properties it lacks)
 *     (883 own examples; 5 universal examples framed in each of 59 capabilities = 295, all compared)
 *   timestamp, failure and availability (c)            696       696         0 (58 capabilities with a known example x 12)
 *   several properties with timestamps (c)              59        59         0
 *   numbers at the edges                              3289      3289         0
 *   text that is not UTF-8                              93        93         0
 *   unit with another measurement id                   145       145         0
 *   nested states (888 examples x 4 holders)          3552      3552         0
 *   requests (get and availability per property)      1658      1596        62 (properties it lacks)
 *   total                                            10670     10568       102
 * Messages that needed each normalizer: nestedState 3599 (and 160 nested messages the library cannot read,
 * compared as bytes), rounding 1262, clamping 1096, specialNumber 864, unrepresentable 454, signedInteger 2.
 * Documented examples need no number normalizer at all; only nestedState (8).
 */
import { describe, expect, it } from 'vitest';
import { fixedSize, type TypeRef } from '../codegen/model.js';
import { decode, fromHex } from '../src/index.js';
import { compareWithOfficial, DIFFERENCES, officialJson, type Comparison, type Difference } from './support/official.js';
import { component, exampleMessage, model, property, propertyExamples, stateMessage, type PropertyExample } from './support/spec.js';

interface Case {
  label: string;
  hex: string;
}

const h2 = (n: number) => n.toString(16).padStart(2, '0');
const h4 = (n: number) => n.toString(16).padStart(4, '0');
const utf8Hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const f64 = (x: number) => Buffer.from(new Float64Array([x]).buffer).reverse().toString('hex');
const f32 = (x: number) => Buffer.from(new Float32Array([x]).buffer).reverse().toString('hex');
/** A timestamp component's bytes: 2019-09-30T15:34:10.000Z plus `ms`, so each one differs. */
const timestampHex = (ms: number) => (0x16d82cebd50 + ms).toString(16).padStart(16, '0');

const examples = propertyExamples({ universalIn: 'every' });

/** Examples whose one-property message the official library accepts; the others would sink every message they join. */
const known = examples.filter((e) => 'json' in officialJson(fromHex(exampleMessage(e))));

/** Per capability, the first known example of each of its properties (universal ones after its own). */
function firstKnownPerProperty(capabilityId: number): PropertyExample[] {
  const seen = new Set<number>();
  return known.filter((e) => e.capability.id === capabilityId && !seen.has(e.property.id) && seen.add(e.property.id));
}

// (a) and (b): every documented example, universal ones framed in every capability.
const exampleCases: Case[] = examples.map((e) => ({ label: e.label, hex: exampleMessage(e) }));

// (c) the timestamp, failure and availability components on every capability, on its first known example.
const failureDef = model.components.failure;
const reasons = failureDef.kind === 'custom' && failureDef.def.items[0]?.type.kind === 'enum' ? failureDef.def.items[0].type.def.cases : [];
const availabilityExamples = model.components.examples.filter((c) => c.name === 'availability');
const failureHex = (reasonId: number, description: string) => h2(reasonId) + h4(Buffer.byteLength(description)) + utf8Hex(description);
const componentCases: Case[] = model.capabilities.flatMap((cap) => {
  const e = firstKnownPerProperty(cap.id).find((x) => !x.universal);
  if (!e) return [];
  const data = component(1, e.example.hex.toLowerCase());
  const framed = (label: string, ...extra: string[]) => ({ label: `${e.label} + ${label}`, hex: stateMessage(cap.id, property(e.property.id, data, ...extra)) });
  const lastReason = reasons.at(-1)?.id ?? 0;
  return [
    framed('timestamp', component(2, timestampHex(123))),
    // Every failure reason, with a description that is not ASCII, and one with an empty description.
    ...reasons.map((r) => framed(`failure ${r.name}`, component(3, failureHex(r.id, 'offline ü')))),
    framed('failure, empty description', component(3, failureHex(lastReason, ''))),
    ...availabilityExamples.map((a) => framed(`availability ${a.example.hex}`, component(5, a.example.hex.toLowerCase()))),
    // All components at once, in reverse order: keys follow the wire.
    ...availabilityExamples.slice(0, 1).map((a) =>
      framed('all components reversed', component(5, a.example.hex.toLowerCase()), component(3, failureHex(lastReason, 'x')), component(2, timestampHex(7))),
    ),
  ];
});

// (c) several properties, each with its own timestamp: the first known example of every property of a capability.
const multiPropertyCases: Case[] = model.capabilities.map((cap) => {
  const props = firstKnownPerProperty(cap.id).map((e, i) => property(e.property.id, component(1, e.example.hex.toLowerCase()), component(2, timestampHex(i * 1001))));
  return { label: `${cap.name}: ${props.length} properties with timestamps`, hex: stateMessage(cap.id, ...props) };
});

// Numbers at the edges (NaN, ±Infinity, -0, out of range, beyond 15 digits, negative integers), written over
// every fixed-position number of the first known example of each property; they exercise the number normalizers.
type Leaf = { offset: number; kind: 'double' | 'float' | 'integer' | 'uinteger'; size: number };

function numericLeaves(t: TypeRef, offset = 0): Leaf[] {
  switch (t.kind) {
    case 'double':
      return [{ offset, kind: 'double', size: 8 }];
    case 'float':
      return [{ offset, kind: 'float', size: 4 }];
    case 'integer':
    case 'uinteger':
      return [{ offset, kind: t.kind, size: t.size }];
    case 'unit':
      return [{ offset: offset + 2, kind: 'double', size: 8 }]; // after the measurement and unit ids
    case 'custom': {
      const leaves: Leaf[] = [];
      for (const item of t.def.items) {
        const size = fixedSize(item.type);
        if (size === undefined) break; // later offsets depend on the bytes
        leaves.push(...numericLeaves(item.type, offset));
        offset += size;
      }
      return leaves;
    }
    default:
      return [];
  }
}

const EDGES: Record<Leaf['kind'], (size: number) => Array<[string, string]>> = {
  double: () => [
    ...([NaN, Infinity, -Infinity, -0, -0.5, 1.5, 95, -200, 0.1 + 0.2, 1 / 3, 1e21, -1e300, 2 ** 53 + 2, 5e-324] as const).map((x): [string, string] => [String(Object.is(x, -0) ? '-0' : x), f64(x)]),
    ['NaN with a payload', '7ff8000000000001'],
  ],
  float: () => ([NaN, Infinity, -0, 1 / 3] as const).map((x): [string, string] => [String(x), f32(x)]),
  integer: (size) => [['-1', 'ff'.repeat(size)], ['min', '80' + '00'.repeat(size - 1)], ['max', '7f' + 'ff'.repeat(size - 1)]],
  uinteger: (size) => [['max', 'ff'.repeat(size)]],
};

const edgeCases: Case[] = model.capabilities.flatMap((cap) =>
  firstKnownPerProperty(cap.id).flatMap((e) =>
    numericLeaves(e.property.type).flatMap((leaf) =>
      EDGES[leaf.kind](leaf.size).map(([name, hex]) => {
        const data = e.example.hex.toLowerCase();
        const patched = data.slice(0, leaf.offset * 2) + hex + data.slice((leaf.offset + leaf.size) * 2);
        return { label: `${e.label} @${leaf.offset} ${leaf.kind} ${name}`, hex: stateMessage(cap.id, property(e.property.id, component(1, patched))) };
      }),
    ),
  ),
);

// Text that is not UTF-8 in every string property: ours keeps its bytes, theirs decodes it lossily.
const textCases: Case[] = model.capabilities.flatMap((cap) =>
  firstKnownPerProperty(cap.id)
    .filter((e) => e.property.type.kind === 'string')
    .map((e) => ({ label: `${e.label} not UTF-8`, hex: stateMessage(cap.id, property(e.property.id, component(1, 'fffe41'))) })),
);

// A unit whose measurement byte is another measurement's: the library ignores that byte, ours keeps the bytes.
const otherMeasurement = (id: number) => model.measurements.find((m) => m.id !== id)?.id ?? 0;
const measurementCases: Case[] = model.capabilities.flatMap((cap) =>
  firstKnownPerProperty(cap.id).flatMap((e) => {
    const t = e.property.type;
    if (t.kind !== 'unit') return [];
    const data = h2(otherMeasurement(t.def.id)) + e.example.hex.toLowerCase().slice(2);
    return [{ label: `${e.label} measurement byte ${data.slice(0, 2)}`, hex: stateMessage(cap.id, property(e.property.id, component(1, data))) }];
  }),
);

// Every documented example nested in every capability_state property (Historical states, Multi Command...),
// including examples the official library cannot read, so that both ways of comparing nested states are used.
const stateHolders = model.capabilities.flatMap((cap) => cap.properties.filter((p) => p.type.kind === 'capability_state').map((p) => ({ cap, p })));
const nestedCases: Case[] = stateHolders.flatMap(({ cap, p }) =>
  propertyExamples().map((e) => ({
    label: `${cap.name}.${p.name} holding ${e.label}`,
    hex: stateMessage(cap.id, property(p.id, component(1, exampleMessage(e)), component(2, timestampHex(5)))),
  })),
);

// Requests: get (0x00) and availability (0x02) of each property, the body being a list of ids.
const requestCases: Case[] = model.capabilities.flatMap((cap) =>
  [...cap.properties, ...model.universal].flatMap((p) =>
    ([['get', '00'], ['availability', '02']] as const).map(([type, byte]) => ({ label: `${type} ${cap.name}.${p.name}`, hex: `0d${h4(cap.id)}${byte}${h2(p.id)}` })),
  ),
);

const groups = {
  'documented examples': exampleCases,
  'timestamp, failure and availability components': componentCases,
  'several properties with timestamps': multiPropertyCases,
  'numbers at the edges': edgeCases,
  'text that is not UTF-8': textCases,
  'unit with another measurement id': measurementCases,
  'nested states': nestedCases,
  requests: requestCases,
};

const results = Object.fromEntries(
  Object.entries(groups).map(([group, cases]) => [group, cases.map((c) => ({ ...c, result: compareWithOfficial(c.hex) }))]),
) as Record<keyof typeof groups, Array<Case & { result: Comparison }>>;

/** What the official library may refuse: what it does not know. Anything else means a malformed test message. */
const KNOWN_REFUSALS = /does not have property identified by id|has no match for id|does not define unit/;

for (const [group, rows] of Object.entries(results)) {
  describe(group, () => {
    it.each(rows.map((r) => [r.label, r] as const))('%s', (_, { hex, result }) => {
      // Every message here is well formed, so ours must decode it whatever the official library does.
      expect(() => decode(fromHex(hex))).not.toThrow();
      if (result.kind === 'rejected') {
        expect(result.reason).toMatch(KNOWN_REFUSALS);
        return;
      }
      if (result.kind === 'oursThrew') throw new Error(`${hex}: ours threw ${result.error}; theirs ${JSON.stringify(result.theirs)}`);
      expect(result.ours).toEqual(result.theirs);
      // Also the key order: properties and components in wire order, custom items in spec order.
      expect(JSON.stringify(result.ours)).toBe(JSON.stringify(result.theirs));
    });
  });
}

describe('coverage', () => {
  const rows = Object.values(results).flat();
  const compared = rows.flatMap((r) => (r.result.kind === 'compared' ? [r.result] : []));
  const comparedIn = (group: keyof typeof groups) => results[group].filter((r) => r.result.kind === 'compared').length;
  const needed = (d: Difference) => compared.filter((c) => c.applied.has(d)).length;

  // Floors a little under the counts at the top of this file, so that losing cases fails.
  it('compares enough messages of each kind', () => {
    expect(compared.length).toBeGreaterThan(10_000);
    expect(comparedIn('documented examples')).toBeGreaterThanOrEqual(1100);
    expect(comparedIn('documented examples')).toBeGreaterThan(examples.length * 0.9);
    expect(comparedIn('timestamp, failure and availability components')).toBeGreaterThanOrEqual(model.capabilities.length * (reasons.length + 3));
    expect(comparedIn('several properties with timestamps')).toBe(model.capabilities.length);
    expect(comparedIn('numbers at the edges')).toBeGreaterThan(3000);
    expect(comparedIn('text that is not UTF-8')).toBeGreaterThanOrEqual(model.capabilities.length);
    expect(comparedIn('unit with another measurement id')).toBeGreaterThan(100);
    expect(comparedIn('nested states')).toBeGreaterThan(3000);
    expect(comparedIn('requests')).toBeGreaterThan(1500);
    // The official library refuses only what it does not know (40 documented examples, 62 requests).
    expect(rows.length - compared.length).toBeLessThan(rows.length * 0.02);
  });

  it('uses every normalizer', () => {
    for (const d of DIFFERENCES) expect(needed(d), d).toBeGreaterThan(0);
    expect(needed('nestedState')).toBeGreaterThan(3000);
    expect(needed('clamping')).toBeGreaterThan(1000);
    expect(needed('rounding')).toBeGreaterThan(1000);
    expect(needed('specialNumber')).toBeGreaterThan(800);
    expect(needed('unrepresentable')).toBeGreaterThan(400);
    // Nested messages the library cannot read, compared as bytes instead.
    expect(compared.reduce((n, c) => n + c.nestedSkipped, 0)).toBeGreaterThan(100);
  });
});
