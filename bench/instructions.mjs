/**
 * `node bench/instructions.mjs <fixture> <operation> [seeds]`: instructions per call of one operation on one
 * fixture, counted by valgrind's callgrind on the built package (`npm run build` first; needs `valgrind` and
 * `setarch`, e.g. `apt-get install valgrind`). For judging small changes, where wall time is too noisy.
 *
 * Each count is the difference of two runs (N and 3N calls), divided by 2N, so start-up and compilation cancel
 * out. With V8's hash and random seeds fixed and address randomization off, a count repeats within a few
 * instructions; another seed can give another count, because V8's inlining choices follow hashes and timing,
 * so the mean over a few seeds is reported. Operations: decode, encode, toJSON, fromJSON, decode+toJSON,
 * fromJSON+encode.
 *
 * The package is bundled into one file first. Internally, `node bench/instructions.mjs --calls <n> <bundle>
 * <fixture> <operation>` is the program measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--calls') {
  const [, , , calls, bundle, name, operation] = process.argv;
  const { decode, encode, fromHex, fromJSON, toJSON } = await import(bundle);
  const fixtures = JSON.parse(readFileSync(`${here}fixtures.json`, 'utf8')).fixtures;
  const fixture = fixtures.find((f) => f.name.startsWith(name));
  const bytes = fromHex(fixture.hex);
  const message = decode(bytes);
  const json = toJSON(message); // the input bench/run.ts gives fromJSON
  const operations = {
    decode: () => decode(bytes),
    encode: () => encode(message),
    toJSON: () => toJSON(message),
    fromJSON: () => fromJSON(json),
    'decode+toJSON': () => toJSON(decode(bytes)),
    'fromJSON+encode': () => encode(fromJSON(json)),
  };
  const run = operations[operation];
  for (let i = Number(calls); i > 0; i--) run();
} else {
  const [name, operation, seedList = '1 2 3'] = process.argv.slice(2);
  if (!name || !operation) {
    console.error('usage: node bench/instructions.mjs <fixture> <operation> ["seeds"]');
    process.exit(2);
  }
  // One file: loading the package's several modules made counts vary from run to run.
  const bundle = join(mkdtempSync(join(tmpdir(), 'auto-api-count-')), 'bundle.mjs');
  buildSync({ entryPoints: [`${here}../dist/index.js`], bundle: true, format: 'esm', platform: 'node', outfile: bundle, logLevel: 'warning' });
  const calls = name.startsWith('historical') || name.startsWith('vehicle') ? 2000 : 10000;
  // Total instructions of one run of `n` calls; callgrind reports them on stderr as "Collected : <n>".
  const instructions = (seed, n) => {
    const args = ['-R', 'valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded'];
    args.push(`--hash-seed=${seed}`, `--random-seed=${seed}`, self, '--calls', String(n), bundle, name, operation);
    const run = spawnSync('setarch', [process.arch === 'x64' ? 'x86_64' : process.arch, ...args], { encoding: 'utf8' });
    const collected = /Collected\s*:\s*(\d+)/.exec(run.stderr ?? '');
    if (run.status !== 0 || !collected) throw new Error(`callgrind failed (is valgrind installed?):\n${run.stderr ?? run.error}`);
    return Number(collected[1]);
  };
  const perCall = [];
  for (const seed of seedList.split(/\s+/).map(Number)) {
    perCall.push(Math.round((instructions(seed, 3 * calls) - instructions(seed, calls)) / (2 * calls)));
  }
  const mean = Math.round(perCall.reduce((a, b) => a + b, 0) / perCall.length);
  console.log(`${name} ${operation}: ${mean} instructions per call (seeds ${seedList}: ${perCall.join(', ')})`);
}
