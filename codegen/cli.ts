/** `tsx codegen/cli.ts --spec DIR --out DIR [--runtime IMPORT]`: the generator, as used inside this repository. */
import { runGenerator } from './commands.js';

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
process.exitCode = runGenerator(spec, out, arg('--runtime'));
