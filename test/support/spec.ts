/**
 * Test support: the spec's documented examples, as complete messages and in our JSON form, straight from the
 * YAML through the codegen model. Tests iterate these; nothing is listed by hand.
 */
import { join } from 'node:path';
import { loadModel, type CapabilityDef, type Example, type Model, type PropertyDef, type TypeRef } from '../../codegen/model.js';

export const SPEC_DIR = join(import.meta.dirname, '..', '..', 'spec');
export const model: Model = loadModel(SPEC_DIR);

export interface PropertyExample {
  capability: CapabilityDef;
  property: PropertyDef;
  example: Example;
  /** "charging.charge_mode[0]" */
  label: string;
  universal: boolean;
}

/** Every example of every capability property, and every universal-property example framed in each capability. */
export function propertyExamples(options: { universalIn?: 'first' | 'every' } = {}): PropertyExample[] {
  const out: PropertyExample[] = [];
  for (const capability of model.capabilities) {
    for (const property of capability.properties) {
      property.examples.forEach((example, i) => out.push({ capability, property, example, label: `${capability.name}.${property.name}[${i}]`, universal: false }));
    }
  }
  const hosts = options.universalIn === 'every' ? model.capabilities : model.capabilities.slice(0, 1);
  for (const capability of hosts) {
    for (const property of model.universal) {
      property.examples.forEach((example, i) => out.push({ capability, property, example, label: `${capability.name}.${property.name}[${i}] (universal)`, universal: true }));
    }
  }
  return out;
}

export const h2 = (n: number) => n.toString(16).padStart(2, '0');
/** A 2-byte size or id in hex. */
export const h4 = (n: number) => n.toString(16).padStart(4, '0');

/** A component: id, u16 size, bytes (hex in, hex out). */
export function component(id: number, hex: string): string {
  return h2(id) + h4(hex.length / 2) + hex;
}

/** A property TLV holding the given components. */
export function property(id: number, ...components: string[]): string {
  const body = components.join('');
  return h2(id) + h4(body.length / 2) + body;
}

/** A complete set message of a capability. */
export function stateMessage(capabilityId: number, ...properties: string[]): string {
  return `0d${h4(capabilityId)}01${properties.join('')}`;
}

/** The example as a complete message: one property with one data component. */
export function exampleMessage(e: PropertyExample): string {
  return stateMessage(e.capability.id, property(e.property.id, component(1, e.example.hex.toLowerCase())));
}

/**
 * The documented value in our JSON form: units {unit, value} instead of {kilowatts: 35}, nested states as
 * {"set": {capability: {property: {"data": ...}}}}.
 */
export function specValueToJson(t: TypeRef, value: unknown): unknown {
  switch (t.kind) {
    case 'unit': {
      const [[unit, v]] = Object.entries(value as Record<string, number>) as [[string, number]];
      return { unit, value: v };
    }
    case 'custom': {
      const v = value as Record<string, unknown>;
      return Object.fromEntries(t.def.items.map((item) => [item.name, specValueToJson(item.type, v[item.name])]));
    }
    case 'capability_state': {
      const [[capName, props]] = Object.entries(value as Record<string, Record<string, unknown>>) as [[string, Record<string, unknown>]];
      const cap = model.capabilities.find((c) => c.name === capName)!;
      const body: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(props)) {
        const def = cap.properties.find((p) => p.name === name) ?? model.universal.find((p) => p.name === name)!;
        body[name] = def.multiple ? (v as unknown[]).map((item) => ({ data: specValueToJson(def.type, item) })) : { data: specValueToJson(def.type, v) };
      }
      return { set: { [capName]: body } };
    }
    default:
      return value;
  }
}

/** Our JSON of a message holding only this example: {"set": {cap: {prop: {"data": ...}}}}. */
export function exampleJson(e: PropertyExample): unknown {
  const data = { data: specValueToJson(e.property.type, e.example.value) };
  return { set: { [e.capability.name]: { [e.property.name]: e.property.multiple ? [data] : data } } };
}
