import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'vitest';

/** A rendered figure, parsed as XML: its texts and, per mark group (`<kind><panel>_…marks`), its marks. */
export function parseSvg(svg: string): { texts: string[]; marks: { group: string; kind: string; count: number }[] } {
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: { warning: () => {}, error: (e) => errors.push(e), fatalError: (e) => errors.push(e) } }).parseFromString(svg, 'image/svg+xml');
  expect(errors).toEqual([]);
  const root = doc.documentElement;
  expect(root?.nodeName).toBe('svg');
  expect(root?.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
  const texts = Array.from(doc.getElementsByTagName('text'), (t) => t.textContent ?? '');
  const marks = Array.from(doc.getElementsByTagName('g'))
    .map((g) => ({ g, classes: (g.getAttribute('class') ?? '').split(' ') }))
    .filter(({ classes }) => classes.includes('role-mark'))
    .map(({ g, classes }) => ({
      group: classes[2] ?? '',
      kind: (classes[0] ?? '').replace('mark-', ''),
      count: Array.from(g.childNodes).filter((n) => n.nodeType === 1).length,
    }));
  return { texts, marks };
}
