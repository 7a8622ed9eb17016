/**
 * The objects the hot paths load fields from must be in V8's fast mode. An object literal with a getter, for one,
 * is kept in dictionary mode, and then every load of its fields is a hash lookup through the generic load IC:
 * that once cost a few percent of every encode and decode. A speed property, checked without timing anything:
 * V8's own %HasFastProperties, in a child process started with --allow-natives-syntax.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

// Walks what the registry reaches (capabilities, their tables, property and value codecs) and the messages,
// JSON and messages-from-JSON of the benchmark fixtures; lists every object not in fast mode.
const script = `
import { readFileSync } from 'node:fs';
const lib = await import(${JSON.stringify(pathToFileURL(join(root, 'src', 'index.ts')).href)});
const fixtures = JSON.parse(readFileSync(${JSON.stringify(join(root, 'bench', 'fixtures.json'))}, 'utf8')).fixtures;
const slow = [];
const seen = new Set();
let checked = 0;
function walk(value, path, depth) {
  if (value === null || typeof value !== 'object' || seen.has(value) || depth > 16) return;
  seen.add(value);
  if (ArrayBuffer.isView(value) || value instanceof Date) return;
  if (value instanceof Map) {
    for (const [k, v] of value) walk(v, path + '.get(' + String(k) + ')', depth + 1);
    return;
  }
  checked++;
  if (!%HasFastProperties(value)) slow.push(path);
  for (const key of Object.keys(value)) walk(value[key], path + '.' + key, depth + 1);
}
walk(lib.registry, 'registry', 0);
const registry = lib.registry.resolve();
walk(registry, 'registry.resolve()', 0);
let properties = 0;
for (const cap of registry.byId.values()) {
  properties += cap.properties.length; // builds its tables
  walk(cap, cap.name, 0);
}
for (const f of fixtures) {
  const message = lib.decode(lib.fromHex(f.hex));
  lib.encode(message);
  walk(message, f.name + ' decoded', 0);
  const json = lib.toJSON(message);
  walk(json, f.name + ' JSON', 0);
  walk(lib.fromJSON(json), f.name + ' from JSON', 0);
}
console.log(JSON.stringify({ checked, slow, capabilities: registry.byId.size, properties }));
`;

describe('object shapes', () => {
  it('the registry, capabilities, codecs and messages are in fast mode', () => {
    const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const { checked, slow, capabilities, properties } = JSON.parse(run.stdout) as { checked: number; slow: string[]; capabilities: number; properties: number };
    expect(slow).toEqual([]);
    // It reached every capability and property codec (each property's codec is an object of its own).
    expect(capabilities).toBeGreaterThan(50);
    expect(checked).toBeGreaterThan(capabilities + properties);
  });
});
