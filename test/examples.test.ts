/** Every documented example in spec/, both ways: bytes -> documented value, documented value -> exact bytes. */
import { describe, expect, it } from 'vitest';
import { decode, encode, fromHex, fromJSON, toHex, toJSON } from '../src/index.js';
import { exampleJson, exampleMessage, model, propertyExamples, specValueToJson, component, property, stateMessage } from './support/spec.js';

const examples = propertyExamples({ universalIn: 'every' });

describe('documented property examples', () => {
  it('finds examples in spec/', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((e) => [e.label, e] as const))('%s', (_, e) => {
    const hex = exampleMessage(e);
    const message = decode(fromHex(hex));
    expect(toJSON(message)).toEqual(exampleJson(e));
    expect(toHex(encode(message))).toBe(hex);
    expect(toHex(encode(fromJSON(exampleJson(e))))).toBe(hex);
  });
});

describe('documented component examples', () => {
  it.each(model.components.examples.map((c) => [`${c.name} ${c.example.hex}`, c] as const))('%s', (_, c) => {
    const cap = model.capabilities[0]!;
    const prop = cap.properties[0]!;
    const hex = stateMessage(cap.id, property(prop.id, component(5, c.example.hex.toLowerCase())));
    const json = toJSON(decode(fromHex(hex))) as { set: Record<string, Record<string, unknown>> };
    const got = json.set[cap.name]![prop.name] as Record<string, unknown> | Array<Record<string, unknown>>;
    const first = Array.isArray(got) ? got[0]! : got;
    expect(first[c.name]).toEqual(specValueToJson(c.type, c.example.value));
    expect(toHex(encode(fromJSON(json)))).toBe(hex);
  });
});
