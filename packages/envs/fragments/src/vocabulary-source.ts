// What `#vocabulary-source` resolves to under the `node` condition (package.json `imports`): a path or
// a file: URL is read from disk, any other URL fetched. Browsers get vocabulary-source.browser.ts.
import { readFile } from 'node:fs/promises';

/** Whether a string names a URL rather than a file path (a Windows drive letter is a path). */
const URL_SCHEME = /^(?:file|https?|data|blob):/i;

/** The text of a vocabulary at `source`: a file path, or a URL. Throws a one-line error naming it. */
export async function readVocabularyText(source: string | URL): Promise<string> {
  const url = source instanceof URL ? source : URL_SCHEME.test(source) ? new URL(source) : undefined;
  try {
    if (!url || url.protocol === 'file:') return await readFile(url ?? source, 'utf8');
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    return await response.text();
  } catch (err) {
    throw new Error(`cannot read fragment vocabulary ${String(source)}: ${(err as Error).message}`);
  }
}
