// Every TypeScript block in README.md and docs/*.md compiles under strict, as an app that installed the package sees
// it: `mashvisor-preflight` resolves to this build's types, axios and Node's types to this clone's node_modules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './helpers.js';

/** [{ where, code }] for each ```ts / ```typescript block of the given Markdown files. */
function typescriptBlocks(files) {
  const blocks = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```/gm)) {
      blocks.push({ where: `${file}:${text.slice(0, m.index).split('\n').length}`, code: m[1] });
    }
  }
  return blocks;
}

const markdown = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

test('every TypeScript block in README.md and docs/ compiles under strict', () => {
  const blocks = typescriptBlocks(markdown);
  assert.ok(blocks.some((b) => b.where.startsWith('README.md')), 'the README has its library example');
  const dir = mkdtempSync(join(tmpdir(), 'mp-docs-ts-'));
  try {
    // Each block is its own ES module (.mts), so top-level await and its own imports work as in an app.
    const files = blocks.map((block, i) => {
      const name = `block-${i}.mts`;
      writeFileSync(join(dir, name), `// ${block.where}\n${block.code}\nexport {};\n`);
      return name;
    });
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true,
        typeRoots: [join(root, 'node_modules', '@types')], types: ['node'],
        paths: {
          'mashvisor-preflight': [join(root, 'dist', 'index.d.ts')],
          axios: [join(root, 'node_modules', 'axios', 'index.d.ts')],
        },
      },
      files,
    }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    // Name the Markdown file and line of a failing block, not the temp file.
    const where = (out) => out.replace(/block-(\d+)\.mts\((\d+),/g, (_, i, line) => `${blocks[i].where} +${Number(line) - 2} (`);
    assert.is(r.status, 0, where(r.stdout + r.stderr));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
