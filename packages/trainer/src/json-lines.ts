// A JSON value of any size as a sequence of short JSON lines, so that neither the writer nor the reader
// ever holds the whole text in one string (V8 caps a string at 2^29 characters, and one giant
// JSON.stringify of a large replay buffer peaked at several times its size).
//
// Records, one per line:
//   {"open":"object"|"array","key"?:K}  a container too big for one line (key: its name in the parent object)
//   {"set":{…}}                         some entries of the innermost open object
//   {"append":[…]}                      some elements of the innermost open array
//   {"close":1}                         ends the innermost open container
// The first record opens the root; the value is complete when the root closes.

/** About how many JSON nodes (numbers, strings, containers) one line holds; larger containers are split. */
export const LINE_NODES = 4096;

export type JsonContainer = Record<string, unknown> | unknown[];

function isContainer(x: unknown): x is JsonContainer {
  if (Array.isArray(x)) return true;
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Nodes of `value`, counting at most to `limit + 1` (a long string counts as one node per 64 characters). */
function countNodes(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= limit) {
    const v = stack.pop();
    count += typeof v === 'string' ? 1 + (v.length >> 6) : 1;
    if (isContainer(v)) for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return count;
}

/** Sets an own property, even one named `__proto__`. */
function define(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** The lines (without newlines) of `value`, an array or plain object; see the module comment. */
export function* jsonLines(value: JsonContainer, key?: string, limit: number = LINE_NODES): Generator<string> {
  const array = Array.isArray(value);
  yield JSON.stringify(key === undefined ? { open: array ? 'array' : 'object' } : { open: array ? 'array' : 'object', key });
  let elements: unknown[] = [];
  let entries: Record<string, unknown> = {};
  let nodes = 0;
  const flush = (): string | undefined => {
    if (nodes === 0) return undefined;
    const line = array ? JSON.stringify({ append: elements }) : JSON.stringify({ set: entries });
    elements = [];
    entries = {};
    nodes = 0;
    return line;
  };
  const names = array ? undefined : Object.keys(value);
  const size = names ? names.length : (value as unknown[]).length;
  for (let i = 0; i < size; i++) {
    const name = names ? (names[i] as string) : '';
    const child = names ? (value as Record<string, unknown>)[name] : (value as unknown[])[i];
    const n = countNodes(child, limit);
    if (n > limit && isContainer(child)) {
      const line = flush();
      if (line !== undefined) yield line;
      yield* jsonLines(child, array ? undefined : name, limit);
      continue;
    }
    if (nodes + n > limit) {
      const line = flush();
      if (line !== undefined) yield line;
    }
    if (array) elements.push(child);
    else define(entries, name, child);
    nodes += Math.max(1, n);
  }
  const line = flush();
  if (line !== undefined) yield line;
  yield '{"close":1}';
}

/** Rebuilds a value from {@link jsonLines} output, one line at a time. Errors say what is wrong with the line. */
export class JsonLinesReader {
  private readonly stack: JsonContainer[] = [];
  private root: JsonContainer | undefined;

  /** True once the root has closed. */
  get complete(): boolean {
    return this.root !== undefined && this.stack.length === 0;
  }

  /** The value, once {@link complete}. */
  value(): JsonContainer {
    if (!this.complete) throw new Error(this.root === undefined ? 'no value' : `${this.stack.length} containers are still open`);
    return this.root as JsonContainer;
  }

  push(line: string): void {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      throw new Error('not JSON');
    }
    if (this.complete) throw new Error('a record after the end of the value');
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error('not a record object');
    const r = record as { open?: unknown; key?: unknown; set?: unknown; append?: unknown; close?: unknown };
    const top = this.stack[this.stack.length - 1];
    if (r.open !== undefined) {
      if (r.open !== 'object' && r.open !== 'array') throw new Error(`"open" must be "object" or "array", got ${JSON.stringify(r.open)}`);
      const container: JsonContainer = r.open === 'array' ? [] : {};
      if (top === undefined) {
        if (this.root !== undefined) throw new Error('a second root');
        this.root = container;
      } else if (Array.isArray(top)) {
        if (r.key !== undefined) throw new Error('a key inside an array');
        top.push(container);
      } else {
        if (typeof r.key !== 'string') throw new Error('an object entry without a string "key"');
        define(top, r.key, container);
      }
      this.stack.push(container);
      return;
    }
    if (top === undefined) throw new Error('a record outside any open container');
    if (r.set !== undefined) {
      if (Array.isArray(top) || typeof r.set !== 'object' || r.set === null || Array.isArray(r.set)) throw new Error('"set" needs an open object and an object');
      for (const [name, v] of Object.entries(r.set)) define(top, name, v);
    } else if (r.append !== undefined) {
      if (!Array.isArray(top) || !Array.isArray(r.append)) throw new Error('"append" needs an open array and an array');
      for (const v of r.append) top.push(v);
    } else if (r.close === 1) {
      this.stack.pop();
    } else {
      throw new Error('an unknown record');
    }
  }
}
