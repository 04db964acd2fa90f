/**
 * The architecture rules of DESIGN.md, checked on every import:
 * - a module is entered only through its index.ts;
 * - the leaves: access imports no module; registry and notify import only access;
 * - nothing imports src/server (only the CLI, which assembles the process);
 * - src/lib and src/db import no module.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
/** For each leaf, the only modules it may import. */
const LEAVES: Record<string, string[]> = { access: [], registry: ['access'], notify: ['access'] };

function* files(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.tsx?$/.test(e.name)) yield p;
  }
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
const moduleOf = (p: string) => {
  const rel = path.relative(path.join(SRC, 'modules'), p);
  return rel.startsWith('..') ? null : rel.split(path.sep)[0];
};
const area = (p: string) => path.relative(SRC, p).split(path.sep)[0];

const problems: string[] = [];
for (const file of files(SRC)) {
  const text = fs.readFileSync(file, 'utf8');
  const isTest = file.endsWith('.test.ts');
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
    const from = moduleOf(file);
    const to = moduleOf(target);
    const where = `${path.relative(ROOT, file)} imports ${spec}`;
    if (area(target) === 'server' && !['server', 'cli'].includes(area(file)) && !isTest) problems.push(`${where}: nothing imports src/server`);
    if ((area(file) === 'lib' || area(file) === 'db') && to) problems.push(`${where}: src/${area(file)} must not depend on a module`);
    if (to && from !== to) {
      if (path.basename(target) !== 'index.ts' || path.dirname(target) !== path.join(SRC, 'modules', to))
        problems.push(`${where}: enter module ${to} through its index.ts`);
      if (from && LEAVES[from] && !LEAVES[from].includes(to)) problems.push(`${where}: ${from} is a leaf module and imports only ${LEAVES[from].join(', ') || 'no module'}`);
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} boundary problem(s)`);
  process.exit(1);
}
console.log('module boundaries: ok');
