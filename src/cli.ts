/**
 * auto-api: decode and encode Auto API messages, and generate codecs from a spec folder.
 *
 *   auto-api decode <hex> | --base64 <b64> | -      (-: one payload per line on stdin, one JSON per line out)
 *   auto-api encode '<json>'
 *   auto-api gen --spec DIR --out DIR [--runtime IMPORT]
 *
 * Malformed input: exit 1 and one line on stderr, `error <code> at byte <offset> (<path>): <message>`.
 */
import { createInterface } from 'node:readline';
import { AutoApiError, decode, encode, fromBase64, fromHex, fromJSON, toHex, toJSON, type DecodeOptions } from './index.js';

const USAGE = `usage:
  auto-api decode [--base64] [--lenient] <payload>   decode one payload (hex, or base64 with --base64)
  auto-api decode [--base64] [--lenient] -           decode one payload per line of stdin, one JSON per line
  auto-api encode '<json>'                           encode a message given as JSON, print hex
  auto-api gen --spec DIR --out DIR [--runtime IMPORT]
                                                     generate TypeScript codecs from a spec folder
  auto-api lint --spec DIR                           report what would make a spec unsound`;

function errorLine(e: AutoApiError): string {
  return `error ${e.code} at byte ${e.offset} (${e.path}): ${e.detail}`;
}

function fail(e: unknown): never {
  if (e instanceof AutoApiError) {
    process.stderr.write(`${errorLine(e)}\n`);
    process.exit(1);
  }
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}

function decodeOne(text: string, base64: boolean, options: DecodeOptions, pretty: boolean): string {
  const bytes = base64 ? fromBase64(text) : fromHex(text);
  const message = decode(bytes, options);
  for (const issue of message.issues ?? []) {
    process.stderr.write(`issue ${issue.code} at byte ${issue.offset} (${issue.path}): ${issue.message}\n`);
  }
  return JSON.stringify(toJSON(message), null, pretty ? 2 : undefined);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const value = (name: string): string | undefined => {
    const i = rest.indexOf(name);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  switch (command) {
    case 'decode': {
      const base64 = flags.has('--base64');
      const options: DecodeOptions = { lenient: flags.has('--lenient') };
      const payload = rest.find((a) => !a.startsWith('--'));
      if (payload === undefined) break;
      if (payload !== '-') {
        try {
          process.stdout.write(`${decodeOne(payload, base64, options, true)}\n`);
        } catch (e) {
          fail(e);
        }
        return;
      }
      let failed = false;
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        if (line.trim() === '') continue;
        try {
          process.stdout.write(`${decodeOne(line, base64, options, false)}\n`);
        } catch (e) {
          if (!(e instanceof AutoApiError)) fail(e);
          process.stderr.write(`${errorLine(e)}\n`);
          process.stdout.write('null\n'); // keeps output lines aligned with input lines
          failed = true;
        }
      }
      process.exitCode = failed ? 1 : 0;
      return;
    }
    case 'encode': {
      const json = rest.find((a) => !a.startsWith('--'));
      if (json === undefined) break;
      try {
        process.stdout.write(`${toHex(encode(fromJSON(json)))}\n`);
      } catch (e) {
        fail(e);
      }
      return;
    }
    case 'gen':
    case 'lint': {
      const spec = value('--spec');
      const out = value('--out');
      if (!spec || (command === 'gen' && !out)) break;
      // Loaded on demand: decoding should not pay for the generator's dependencies.
      const { runGenerator, runLint } = await import('../codegen/commands.js');
      process.exitCode = command === 'gen' ? runGenerator(spec, out!, value('--runtime')) : runLint(spec);
      return;
    }
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
  }
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch(fail);
