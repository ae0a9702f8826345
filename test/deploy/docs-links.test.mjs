// `npm run check:docs` (part of `npm test`) fails on a broken relative link in README.md, docs/ or an
// example's README: a missing file or folder, or an #anchor that names no heading of its target (by
// GitHub's slug rules). Run here, exactly as package.json has it, over small trees of its own, so a
// check that stopped failing would be noticed. Run by `npm test` (npm run test:deploy).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const command = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts['check:docs'];
const trees = [];
after(() => trees.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const docs = {
  'README.md':
    "# Project\n\n## The host's transaction, the host's tables\n\n[a](docs/a.md) · [heading](docs/a.md#the-v1-api) · [here](#the-hosts-transaction-the-hosts-tables) · [folder](infra/)\n",
  'docs/a.md':
    '# A\n\n## The `/v1` API\n\n[back](../README.md#project) · [site](https://example.com/nowhere)\n\n```\n[in code](nowhere.md)\n```\n',
  'examples/host/README.md': '# Host\n\n[docs](../../docs/a.md#a)\n',
  'infra/main.tf': '',
};

/** Runs the check over the docs above, with `change` applied to them: its exit status and output. */
function check(change = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'docs-links-'));
  trees.push(dir);
  for (const [file, text] of Object.entries({ ...docs, ...change })) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const env = {
    ...process.env,
    PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
  };
  const run = spawnSync('sh', ['-c', command], { cwd: dir, env, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the docs link check', () => {
  it('passes links to files, folders and headings that exist (external links are not fetched)', () => {
    const { status, output } = check();
    assert.equal(status, 0, output);
  });

  const broken = [
    ['a missing file', { 'docs/b.md': '# B\n\n[gone](gone.md)\n' }, 'gone.md'],
    ['a missing folder', { 'docs/b.md': '# B\n\n[gone](../nowhere/)\n' }, 'nowhere'],
    ['an anchor to no heading of another page', { 'docs/b.md': '# B\n\n[gone](a.md#the-api)\n' }, '#the-api'],
    ['an anchor to no heading of its own page', { 'docs/b.md': '# B\n\n[gone](#b-c)\n' }, '#b-c'],
    [
      "a broken link in an example's README",
      { 'examples/host/README.md': '# Host\n\n[gone](../../docs/c.md)\n' },
      'docs/c.md',
    ],
  ];
  for (const [what, change, named] of broken) {
    it(`fails on ${what}, naming it`, () => {
      const { status, output } = check(change);
      assert.notEqual(status, 0, output);
      assert.ok(output.includes(named), output);
    });
  }
});
