// What `#vocabulary-source` resolves to outside Node (package.json `imports`): browsers fetch; there
// is no file system, so a string is a URL (relative ones against the page).

/** The text of a vocabulary at the URL `source`. Throws a one-line error naming it. */
export async function readVocabularyText(source: string | URL): Promise<string> {
  try {
    const response = await fetch(source);
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    return await response.text();
  } catch (err) {
    throw new Error(`cannot read fragment vocabulary ${String(source)}: ${(err as Error).message}`);
  }
}
