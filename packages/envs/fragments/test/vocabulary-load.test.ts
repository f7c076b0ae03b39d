import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FragmentBlock } from '../src/index.js';
import { fragmentsEnvironment, loadVocabulary, PDB_105_BLOCKS } from '../src/index.js';
import { readVocabularyText as browserReadVocabularyText } from '../src/vocabulary-source.browser.js';

const BLOCKS: FragmentBlock[] = [
  { name: 'ethyl', smiles: 'CC', stems: [0, 1] },
  { name: 'phenyl', smiles: 'c1ccccc1', stems: [0, 3] },
];
/** The same two blocks in the 72-fragment format, which expands to one block per attachment atom. */
const PAIRS = [['CC', [0, 1]]] as const;

let dir: string;
let server: Server;
let base: string;
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fragments-vocabulary-'));
  file('blocks.json', BLOCKS);
  // A loopback server for the URL cases: what a page's fetch of its vocabulary gets.
  server = createServer((req, res) => {
    if (req.url === '/blocks.json') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(BLOCKS));
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('loadVocabulary sources', () => {
  it('takes the shipped 105 blocks as data, with no file', async () => {
    const blocks = await loadVocabulary(PDB_105_BLOCKS);
    expect(blocks).toEqual(PDB_105_BLOCKS);
    expect(fragmentsEnvironment({ vocabulary: blocks }).vocabulary.numBlocks).toBe(105);
    expect(await loadVocabulary(PAIRS)).toEqual([
      { name: 'CC_0', smiles: 'CC', stems: [0, 1] },
      { name: 'CC_1', smiles: 'CC', stems: [1, 0] },
    ]);
  });

  it('reads a path, a file: URL (object or string) and an http URL to the same blocks', async () => {
    const path = join(dir, 'blocks.json');
    expect(await loadVocabulary(path)).toEqual(BLOCKS);
    expect(await loadVocabulary(pathToFileURL(path))).toEqual(BLOCKS);
    expect(await loadVocabulary(pathToFileURL(path).href)).toEqual(BLOCKS);
    expect(await loadVocabulary(`${base}/blocks.json`)).toEqual(BLOCKS);
    expect(await loadVocabulary(new URL('/blocks.json', base))).toEqual(BLOCKS);
  });

  it('fails in one line naming the source: unreadable, not JSON, wrong shape, bad atoms, bad SMILES', async () => {
    const cases: [Parameters<typeof loadVocabulary>[0], string][] = [
      [join(dir, 'absent.json'), `cannot read fragment vocabulary ${join(dir, 'absent.json')}: ENOENT`],
      [`${base}/absent.json`, `cannot read fragment vocabulary ${base}/absent.json: HTTP 404 Not Found`],
      [file('broken.json', '{'), `fragment vocabulary ${join(dir, 'broken.json')} is not valid JSON`],
      [file('shape.json', [{ smiles: 'CC' }]), `fragment vocabulary: ${join(dir, 'shape.json')}[0]: expected { smiles, stems }`],
      [[{ name: 'ethyl', smiles: 'CC', stems: [0, 5] }], 'fragment vocabulary data: block 0 ("ethyl"): attachment atom 5 is not an atom of CC (0..1)'],
      [[...BLOCKS, { name: 'bad', smiles: 'C1CC(', stems: [0] }], 'fragment vocabulary data: block 2 ("bad")'],
    ];
    for (const [source, message] of cases) {
      const error = (await loadVocabulary(source).catch((e: Error) => e)) as Error;
      expect(error, String(source)).toBeInstanceOf(Error);
      expect(error.message.startsWith(message), `${error.message} should start with ${message}`).toBe(true);
      expect(error.message).not.toContain('\n');
    }
  });
});

describe('the browser vocabulary reader (#vocabulary-source outside Node)', () => {
  it('fetches a URL, and names it when the fetch fails', async () => {
    expect(JSON.parse(await browserReadVocabularyText(`${base}/blocks.json`))).toEqual(BLOCKS);
    await expect(browserReadVocabularyText(`${base}/absent.json`)).rejects.toThrow(`cannot read fragment vocabulary ${base}/absent.json: HTTP 404 Not Found`);
  });
});
