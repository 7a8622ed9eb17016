/**
 * `npx tsx bench/fresh-json.ts`: fromJSON + encode with both libraries given the very same input, the JSON text
 * of the fixture through JSON.parse, as a backend receives it. (`npm run bench` gives each library its own
 * toJSON output, which the official library reads about a fifth slower.) Medians of nine alternating rounds.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { decode, encode, fromHex, fromJSON, toJSON } from '../dist/index.js';

const require = createRequire(import.meta.url);
const { Command } = require('@highmobility/auto-api-javascript') as { Command: { fromJSON(json: unknown): { encode(): number[] } } };
const fixtures = (JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures.json'), 'utf8')) as { fixtures: Array<{ name: string; hex: string }> }).fixtures;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;

console.log(`fromJSON + encode of JSON.parse'd text, the same object for both (Node ${process.version})\n`);
console.log('| fixture | auto-api-codec | official 1.6.1 | ratio |\n|---|---:|---:|---:|');
// The flat fixtures only: for nested states the official library takes bytes, not JSON, so there is no one input.
for (const f of fixtures.filter((x) => x.name.startsWith('charging') || x.name.startsWith('doors'))) {
  const json: unknown = JSON.parse(JSON.stringify(toJSON(decode(fromHex(f.hex)))));
  const ours: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < 9; round++) {
    const bench = new Bench({ time: 100, warmup: round === 0, warmupTime: 100 });
    bench.add('ours', () => encode(fromJSON(json as never)));
    bench.add('official', () => Command.fromJSON(json).encode());
    await bench.run();
    const [a, b] = bench.tasks.map((t) => (t.result as { latency: { p50: number } }).latency.p50 * 1e6);
    ours.push(a!);
    theirs.push(b!);
    ratios.push(b! / a!);
  }
  console.log(`| ${f.name} | ${(median(ours) / 1000).toFixed(2)} µs | ${(median(theirs) / 1000).toFixed(1)} µs | ${median(ratios).toFixed(1)}x |`);
}
