/**
 * Getters, availability getters and setters for every capability, checked against the rules of SPEC.md and
 * the spec's own examples: every setter is called with documented example values and must produce exactly
 * the property TLVs those examples give, followed by its constants.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { AutoApiError, decode, fromHex, toHex } from '../src/index.js';
import type { CapabilityDef, PropertyDef } from '../codegen/model.js';
import { component, model, property, specValueToJson } from './support/spec.js';

type Commands = Record<string, (...args: unknown[]) => Uint8Array> & { codec: { byKey: Map<string, { value: { fromJSON(j: unknown): unknown } }> } };
const commandsOf = (c: CapabilityDef) => (api as unknown as Record<string, Commands>)[c.tsName]!;
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
const h4 = (n: number) => n.toString(16).padStart(4, '0');
const stateOf = (c: CapabilityDef) => (c.state === 'all' ? c.properties : c.properties.filter((p) => Array.isArray(c.state) && c.state.includes(p.id)));

/** A documented example value of a property, as the typed value a setter takes, and its data hex. */
function exampleInput(c: CapabilityDef, p: PropertyDef, disallowed: Set<string>): { value: unknown; hex: string } | undefined {
  const codec = commandsOf(c).codec.byKey.get(p.nameCased)!;
  for (const ex of p.examples) {
    if (typeof ex.value === 'string' && disallowed.has(ex.value)) continue;
    return { value: codec.value.fromJSON(specValueToJson(p.type, ex.value)), hex: ex.hex.toLowerCase() };
  }
  return undefined;
}

const withGetters = model.capabilities.filter((c) => c.getters);

describe('getters', () => {
  it('are generated for the 46 capabilities that define getters', () => {
    expect(withGetters.length).toBe(46);
  });

  it.each(model.capabilities.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const cmd = commandsOf(c);
    const base = c.getters?.name ?? `get_${c.name}_state`;
    const props = c.getters?.name ? `${c.getters.name}_properties` : `get_${c.name}_properties`;
    const state = stateOf(c);
    const withProperties = !!c.getters && !c.getters.skipPropertiesGetter && state.length > 1;
    const withAvailability = !!c.getters && c.name !== 'vehicle_information';
    expect(typeof cmd[camel(base)] === 'function').toBe(!!c.getters);
    expect(typeof cmd[camel(props)] === 'function').toBe(withProperties);
    expect(typeof cmd[camel(`${base}_availability`)] === 'function').toBe(withAvailability);
    expect(typeof cmd[camel(`${props}_availability`)] === 'function').toBe(withProperties && withAvailability);
    if (!c.getters) return;
    expect(toHex(cmd[camel(base)]!())).toBe(`0d${h4(c.id)}00`);
    if (withAvailability) expect(toHex(cmd[camel(`${base}_availability`)]!())).toBe(`0d${h4(c.id)}02`);
    if (withProperties) {
      const two = state.slice(0, 2);
      const ids = two.map((p) => p.id.toString(16).padStart(2, '0')).join('');
      const bytes = cmd[camel(props)]!(...two.map((p) => p.nameCased));
      expect(toHex(bytes)).toBe(`0d${h4(c.id)}00${ids}`);
      // A request decodes to its ids and names them in JSON.
      const request = decode(bytes);
      expect(request).toMatchObject({ type: 'get', capability: c.name, propertyIds: two.map((p) => p.id) });
      expect(toHex(api.encode(request))).toBe(toHex(bytes));
      expect(() => cmd[camel(props)]!('noSuchProperty')).toThrow(AutoApiError);
    }
  });
});

const setters = model.capabilities.flatMap((c) => c.setters.map((s) => [`${c.name}.${s.name}`, c, s] as const));

describe('setters', () => {
  it('are all generated (63 in L13.6)', () => {
    expect(setters.length).toBe(63);
  });

  it.each(setters)('%s', (_, c, s) => {
    const cmd = commandsOf(c);
    const fn = cmd[camel(s.name)]!;
    const input: Record<string, unknown> = {};
    let expected = `0d${h4(c.id)}01`;
    for (const id of [...s.mandatory, ...s.optional]) {
      const p = c.properties.find((x) => x.id === id)!;
      const disallowed = new Set(p.type.kind === 'enum' ? p.type.def.cases.filter((k) => k.disabledInSetter).map((k) => k.name) : []);
      const ex = exampleInput(c, p, disallowed);
      if (!ex) continue;
      input[p.nameCased] = p.multiple ? [ex.value] : ex.value;
      expected += property(p.id, component(1, ex.hex));
    }
    for (const k of s.constants) expected += property(k.propertyId, component(1, k.value.map((b) => b.toString(16).padStart(2, '0')).join('')));
    const bytes = fn(input);
    expect(toHex(bytes)).toBe(expected);
    expect(toHex(api.encode(decode(bytes)))).toBe(expected);

    if (s.mandatory.length > 0) {
      const key = c.properties.find((p) => p.id === s.mandatory[0])!.nameCased;
      const missing = { ...input };
      delete missing[key];
      expect(() => fn(missing)).toThrow(AutoApiError);
    }
    if (s.mandatory.length === 0 && s.constants.length === 0) expect(() => fn({})).toThrow(/at least one/);
    expect(() => fn({ ...input, notAnInput: 1 })).toThrow(AutoApiError);
  });

  const disabledCases = setters.flatMap(([label, c, s]) =>
    [...s.mandatory, ...s.optional].flatMap((id) => {
      const p = c.properties.find((x) => x.id === id)!;
      return p.type.kind === 'enum' ? p.type.def.cases.filter((k) => k.disabledInSetter).map((k) => [`${label} refuses ${p.name} = ${k.name}`, c, s, p, k.name] as const) : [];
    }),
  );

  it.each(disabledCases)('%s', (_, c, s, p, value) => {
    const input: Record<string, unknown> = { [p.nameCased]: p.multiple ? [value] : value };
    for (const id of s.mandatory) {
      const other = c.properties.find((x) => x.id === id)!;
      if (other !== p) input[other.nameCased] = exampleInput(c, other, new Set())?.value;
    }
    try {
      commandsOf(c)[camel(s.name)]!(input);
      expect.unreachable('a disabled_in_setter value was accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(AutoApiError);
      expect((e as AutoApiError).path).toBe(`${c.name}.${s.name}.${p.name}${p.multiple ? '[0]' : ''}`);
    }
  });

  it('builds the SPEC.md example: set_charge_mode immediate', () => {
    expect(toHex(api.Charging.setChargeMode({ chargeMode: 'immediate' }))).toBe(toHex(fromHex('0d0023010c000401000100')));
  });
});
