/**
 * `npx tsx bench/fresh-json.ts`: fromJSON + encode with both libraries given the very same input, the JSON text
 * of the fixture through JSON.parse, as a backend receives it. (`npm run bench` gives each library its own
 * toJSON output, which the official library reads about a fifth slower.) Alternating rounds, as in bench/rounds.ts.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode, fromHex, fromJSON, toJSON } from '../dist/index.js';
import { sideBySide } from './rounds.js';

const require = createRequire(import.meta.url);
const { Command } = require('@highmobility/auto-api-javascript') as { Command: { fromJSON(json: unknown): { encode(): number[] } } };
const fixtures = (JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures.json'), 'utf8')) as { fixtures: Array<{ name: string; hex: string }> }).fixtures;

console.log(`fromJSON + encode of JSON.parse'd text, the same object for both (Node ${process.version})\n`);
console.log('| fixture | auto-api-codec | official 1.6.1 | ratio |\n|---|---:|---:|---:|');
// The flat fixtures only: for nested states the official library takes bytes, not JSON, so there is no one input.
for (const f of fixtures.filter((x) => x.name.startsWith('charging') || x.name.startsWith('doors'))) {
  const json: unknown = JSON.parse(JSON.stringify(toJSON(decode(fromHex(f.hex)))));
  const r = await sideBySide(() => encode(fromJSON(json as never)), () => Command.fromJSON(json).encode(), 45);
  console.log(`| ${f.name} | ${(r.aNs / 1000).toFixed(2)} µs | ${(r.bNs / 1000).toFixed(1)} µs | ${r.ratio.toFixed(1)}x |`);
}
