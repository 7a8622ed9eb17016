/** `tsx codegen/cli.ts --spec DIR --out DIR [--runtime IMPORT]`: the generator, as used inside this repository. */
import { generate } from './generate.js';
import { SpecError } from './load.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const spec = arg('--spec');
const out = arg('--out');
if (!spec || !out) {
  console.error('usage: codegen --spec DIR --out DIR [--runtime IMPORT]');
  process.exit(2);
}
try {
  const files = generate({ spec, out, runtime: arg('--runtime') });
  console.log(`generated ${files.length} files in ${out}`);
} catch (e) {
  if (e instanceof SpecError) {
    for (const p of e.problems) console.error(p);
    process.exit(1);
  }
  throw e;
}
