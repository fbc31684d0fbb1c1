/**
 * What ESLint cannot see, checked on the source tree itself: no import cycle anywhere in src/
 * (type-only imports included: a cycle of types is still a knot for the reader), src/db imports no
 * feature module, and src/handoff holds only the handoff (tickets, staff side, resident side, SLA).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url).pathname;
const src = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' || name === 'public' ? [] : walk(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/** Every file under src/ with the src/ files it imports (relative specifiers, .js → .ts). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of walk(src)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(SPECIFIER)].map((m) => normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
    graph.set(relative(root, file), [...new Set(targets.filter((t) => t.startsWith(src)).map((t) => relative(root, t)))]);
  }
  return graph;
}

/** Tarjan's strongly connected components; a component of more than one file is a cycle. */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

describe('architecture of src/', () => {
  const graph = importGraph();

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const knotted = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(knotted)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('src/db imports nothing outside src/db and src/shared', () => {
    const outside = [...graph]
      .filter(([file]) => file.startsWith('src/db/'))
      .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith('src/db/') && !t.startsWith('src/shared/')).map((t) => `${file} → ${t}`));
    expect(outside).toEqual([]);
  });

  it('src/handoff holds only the handoff: tickets, staff, resident, sla and the façade', () => {
    const entries = readdirSync(join(src, 'handoff'));
    expect(entries.filter((e) => statSync(join(src, 'handoff', e)).isDirectory()).sort()).toEqual(['resident', 'sla', 'staff', 'tickets']);
    expect(entries.filter((e) => e.endsWith('.ts') && e !== 'index.ts' && !e.startsWith('handoff.'))).toEqual([]);
  });
});
