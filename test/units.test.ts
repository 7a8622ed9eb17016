/** Unit conversion for every unit of every measurement, from unit_types.yml, against values computed here. */
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { AutoApiError, convertUnit } from '../src/index.js';
import { model } from './support/spec.js';

type Convert = (m: { value: number; unit: string }, to: string) => { value: number; unit: string };
const convert = convertUnit as unknown as Convert;

describe('unit types', () => {
  it('covers all 19 measurements and 108 units', () => {
    expect(model.measurements.length).toBe(19);
    expect(model.measurements.flatMap((m) => m.units).length).toBe(108);
  });

  it('exports a codec per measurement with its units', () => {
    for (const m of model.measurements) {
      const codec = (api as unknown as Record<string, { id: number; units: Record<string, { id: number }> }>)[m.tsName]!;
      expect(codec.id).toBe(m.id);
      expect(Object.keys(codec.units)).toEqual(m.units.map((u) => u.name));
    }
  });

  const pairs = model.measurements.flatMap((m) => m.units.flatMap((a) => m.units.map((b) => [`${m.name}: ${a.name} -> ${b.name}`, a.name, b.name] as const)));
  it.each(pairs)('%s and back', (_, from, to) => {
    for (const value of [1, 35.5, 1234.5]) {
      const there = convert({ value, unit: from }, to);
      expect(there.unit).toBe(to);
      expect(Number.isFinite(there.value)).toBe(true);
      expect(convert(there, from).value).toBeCloseTo(value, 6);
    }
  });

  // Values computed independently of unit_types.yml, from the definitions of the units.
  const known: Array<[number, string, string, number, number]> = [
    [35, 'kilowatts', 'watts', 35_000, 9],
    [32, 'fahrenheit', 'kelvin', 273.15, 4],
    [100, 'celsius', 'fahrenheit', 212, 3],
    [0, 'celsius', 'kelvin', 273.15, 9],
    [4, 'miles_per_kwh', 'kwh_per_100_kilometers', 100 / (4 * 1.609344), 3],
    [20, 'kwh_per_100_kilometers', 'kilometers_per_kwh', 5, 9],
    [30, 'miles_per_gallon', 'liters_per_100_kilometers', 100 / ((30 * 1.609344) / 3.785411784), 3],
    [1, 'hours', 'seconds', 3600, 9],
    [1, 'miles', 'kilometers', 1.609344, 5],
    [1, 'bars', 'kilopascals', 100, 9],
    [180, 'degrees', 'radians', Math.PI, 5],
  ];
  it.each(known)('%d %s = %d %s', (value, from, to, expected, digits) => {
    expect(convert({ value, unit: from }, to).value).toBeCloseTo(expected, digits);
  });

  it('refuses units of another measurement, and unknown units', () => {
    expect(() => convert({ value: 1, unit: 'kilowatts' }, 'meters')).toThrow(AutoApiError);
    expect(() => convert({ value: 1, unit: 'furlongs' }, 'meters')).toThrow(AutoApiError);
  });
});
