/**
 * `npm run size`: minified bundle sizes (esbuild) of an app that decodes only Charging, through the
 * per-capability subpath, and of one that decodes any capability, through the main entry.
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const apps: Record<string, string> = {
  'Charging only (auto-api-codec/capabilities/charging)': `
    import { Charging } from '${join(root, 'src/generated/charging.ts')}';
    export const run = (bytes) => Charging.decode(bytes);`,
  'every capability (auto-api-codec)': `
    import { decode, toJSON } from '${join(root, 'src/index.ts')}';
    export const run = (bytes) => toJSON(decode(bytes));`,
  'runtime only (auto-api-codec/runtime)': `
    import { Reader } from '${join(root, 'src/runtime/index.ts')}';
    export const run = (bytes, registry) => new Reader(bytes, registry);`,
};

const rows: Array<[string, number, number]> = [];
for (const [name, source] of Object.entries(apps)) {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    treeShaking: true,
    write: false,
    platform: 'neutral',
  });
  const bytes = result.outputFiles[0]!.contents;
  rows.push([name, bytes.length, gzipSync(bytes).length]);
}
console.log('| bundle | minified | gzipped |\n|---|---:|---:|');
for (const [name, min, gz] of rows) console.log(`| ${name} | ${(min / 1024).toFixed(1)} KiB | ${(gz / 1024).toFixed(1)} KiB |`);
