import fs from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { RecountError } from '../errors.js';

/**
 * The one loader of recount's configuration files (task-type rules, import mappings, replay
 * policies, price overrides, LiteLLM configs): read a file, parse it as YAML (JSON is YAML too), and
 * walk its nodes with their lines, so every mistake is one RecountError `file:line: message` + hint.
 */

/** A mapping's entry: its key as text, the key's node (for the line of an unknown key) and its value. */
export interface Entry {
  key: string;
  keyNode: Node;
  value: Node | null;
}

/** What a file is, for the message when it cannot be read: `policy file` and `--policy`. */
export interface FileRole {
  what: string;
  flag: string;
}

export class YamlDoc {
  constructor(
    readonly file: string,
    readonly root: Node | null,
    private readonly lines: LineCounter,
    readonly doc: Document,
  ) {}

  /** The 1-based line a node starts on (1 for a node without a place, such as a missing value). */
  line(node: unknown): number {
    return this.lines.linePos((node as Node | null)?.range?.[0] ?? 0).line;
  }

  /** Throws the one error shape: `file:line: message`, with a hint saying what to write. */
  fail(node: unknown, message: string, hint: string): never {
    throw configError(this.file, this.line(node), message, hint);
  }

  /** A mapping's entries in file order; anything else is an error saying what was expected. */
  entries(node: Node | null, what: string, hint = `${what}: { … }`): Entry[] {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping`, hint);
    return node.items.map((pair) => {
      const keyNode = pair.key as Node;
      return { key: String(scalar(keyNode)), keyNode, value: (pair.value as Node | null) ?? null };
    });
  }

  /** A list's items; a missing or null value is an empty list. */
  items(entry: Entry | undefined, what: string): Node[] {
    if (!entry || scalar(entry.value) === null) return [];
    if (!isSeq(entry.value)) this.fail(entry.value ?? entry.keyNode, `${what} must be a list`, `${what}:\n  - …`);
    return entry.value.items as Node[];
  }

  /** Text (trimmed, not empty) or an error. */
  text(node: Node | null, what: string, hint = `${what}: my-name`): string {
    const v = scalar(node);
    if (typeof v !== 'string' || !v.trim()) this.fail(node, `${what} must be text`, hint);
    return v.trim();
  }

  /** The line of a top-level key (its key, so the line reads where the reader looks), else 1. */
  lineOfKey(key: string): number {
    const pair = isMap(this.root) ? this.root.items.find((p) => scalar(p.key as Node) === key) : undefined;
    return this.line(pair?.key ?? null);
  }
}

/** The error every configuration loader raises: `file:line: message`, with a hint. */
export function configError(file: string, line: number, message: string, hint: string): RecountError {
  return new RecountError(`${file}:${line}: ${message}`, hint);
}

/** A scalar node's value; null for a missing node or an empty value, undefined for a mapping or list. */
export function scalar(node: Node | null | undefined): unknown {
  if (node == null) return null;
  return isScalar(node) ? node.value : undefined;
}

/** Reads a configuration file (a leading byte-order mark is dropped); unreadable names the flag. */
export function readConfigText(file: string, role: FileRole): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new RecountError(`${file}: cannot read the ${role.what}`, `check the ${role.flag} path`);
  }
}

/** Parses YAML or JSON text; a syntax error names its line. `syntaxHint` says what the file should hold. */
export function parseConfig(text: string, file: string, syntaxHint = 'fix the YAML (or JSON) syntax'): YamlDoc {
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw configError(file, e.linePos?.[0].line ?? 1, e.message.split('\n')[0], syntaxHint);
  }
  return new YamlDoc(file, (doc.contents as Node | null) ?? null, lines, doc);
}

/** Reads and parses a configuration file. */
export function readConfig(file: string, role: FileRole, syntaxHint?: string): YamlDoc {
  return parseConfig(readConfigText(file, role), file, syntaxHint);
}
