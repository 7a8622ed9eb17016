/**
 * Copies the protocol facts of an upstream auto-api checkout into spec/.
 *
 * Keeps every key that matters on the wire or names something (ids, names, types, sizes, enum cases, units,
 * examples), and drops the upstream prose: `description` keys and comments. Formatting of hex literals is kept.
 *
 *   tsx codegen/import-upstream.ts <upstream-dir> <spec-dir> [capability ...]
 *
 * With capability names, only those are copied, and custom_types.yml is cut down to the types they reach.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';

const [upstream, specDir, ...only] = process.argv.slice(2);
if (!upstream || !specDir) {
  console.error('usage: import-upstream <upstream-dir> <spec-dir> [capability ...]');
  process.exit(2);
}

function load(path: string): Document {
  return parseDocument(readFileSync(path, 'utf8'));
}

function stripProse(doc: Document): Document {
  doc.commentBefore = null;
  doc.comment = null;
  visit(doc, {
    Pair(_, pair, path) {
      // Example values can hold an item that happens to be called description: that is data, keep it.
      const inValue = path.some((p) => isPair(p) && isScalar(p.key) && (p.key.value === 'value' || p.key.value === 'values'));
      if (!inValue && isScalar(pair.key) && pair.key.value === 'description') return visit.REMOVE;
      return undefined;
    },
    Node(_, node) {
      node.commentBefore = null;
      node.comment = null;
      node.spaceBefore = false;
      return undefined;
    },
  });
  return doc;
}

function write(path: string, doc: Document, header: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  // yaml keeps hex literals but not their width: pad single digits back to a byte (0x8 -> 0x08).
  const body = stripProse(doc)
    .toString({ lineWidth: 0, flowCollectionPadding: false })
    .replace(/\b0x([0-9a-f])\b/g, '0x0$1');
  writeFileSync(path, `# ${header}\n${body}`);
}

const source = 'Facts from highmobility/auto-api L13.6 (commit 37a8b14, MIT); upstream prose removed.';
const capDir = join(upstream, 'capabilities');
const names = only.length > 0 ? only : readdirSync(capDir).filter((f) => f.endsWith('.yml')).map((f) => f.slice(0, -4));

// Type names reached from the copied capabilities, followed through custom types to a fixed point.
const reached = new Set<string>();
const collect = (value: unknown): void => {
  if (typeof value === 'string') {
    const m = /^types\.(\w+)$/.exec(value);
    if (m) reached.add(m[1]!);
  } else if (Array.isArray(value)) value.forEach(collect);
  else if (value && typeof value === 'object') Object.values(value).forEach(collect);
};

for (const name of names) {
  const doc = load(join(capDir, `${name}.yml`));
  collect(doc.toJS());
  write(join(specDir, 'capabilities', `${name}.yml`), doc, source);
}

const misc = (file: string) => join(upstream, 'misc', file);
for (const file of ['universal_properties.yml', 'property_components.yml']) {
  const doc = load(misc(file));
  collect(doc.toJS());
  write(join(specDir, 'misc', file), doc, source);
}

const typesDoc = load(misc('custom_types.yml'));
if (only.length > 0) {
  const byName = new Map<string, unknown>();
  for (const t of (typesDoc.toJS() as { types: Array<{ name: string }> }).types) byName.set(t.name, t);
  let size = -1;
  while (size !== reached.size) {
    size = reached.size;
    for (const n of [...reached]) collect(byName.get(n));
  }
  const list = typesDoc.get('types');
  if (isSeq(list)) {
    list.items = list.items.filter((item) => isMap(item) && reached.has(String(item.get('name'))));
  }
}
write(join(specDir, 'misc', 'custom_types.yml'), typesDoc, source);
write(join(specDir, 'misc', 'unit_types.yml'), load(misc('unit_types.yml')), source);
write(join(specDir, 'misc', 'version.yml'), load(misc('version.yml')), source);
if (existsSync(misc('events.yml'))) write(join(specDir, 'misc', 'events.yml'), load(misc('events.yml')), source);
