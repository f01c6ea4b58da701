// The editor's file format: content files read into the form's values, and written back the
// way `build.py new` writes them, changing only what the editor changed.
//
// A save rewrites only the fields whose values changed (a title edited is one line of the
// diff); every other line, comment and blank line stays as it was, and so does the Markdown
// body unless it was edited. A value written anew follows the shape of its field
// (shapes.json, made from the content schema): free text in double quotes, codes (ids, dates,
// enum values) plain when YAML reads them back as the same text, texts and small records as
// `{it: ..., en: ...}`, lists of ids as `[a, b]`, lists of records one `- {...}` a line,
// and keys in the order of `build.py new`.

import { parseDocument, isMap, isSeq } from './vendor/yaml/index.js';

// The file as it was read, kept with the form's values: what did not change is written back
// from it as it was. Never written to a file.
export const SOURCE = '__accordi_source';

// ---- reading

// [front matter, body] of a Markdown file (null when it has none), as sources.py splits it.
export function splitFrontMatter(text) {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) || [];
  if (!lines.length || lines[0].trim() !== '---') return null;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '---') {
      return { head: lines[0], yaml: lines.slice(1, i).join(''), close: lines[i],
               body: lines.slice(i + 1).join('') };
    }
  }
  return null;
}

function parseYaml(text) {
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) throw new Error(doc.errors[0].message);
  return doc;
}

// A value as the form holds it: a text given as one string becomes {it: ...}, a year given as
// a number a string, one item where a list may be written a list of one, and empty values (null, '', [], {}) are left out.
export function normal(value, shape) {
  if (value === null || value === undefined) return undefined;
  const k = shape && shape.k;
  if (k === 'text' && typeof value === 'string') value = { it: value };
  if (k === 'date' && typeof value === 'number') value = String(value);
  // one item, or a list of them (a partner's local names): the form always holds a list
  if (k === 'list' && shape.one && typeof value === 'object' && !Array.isArray(value)) value = [value];
  if (Array.isArray(value)) {
    const of = k === 'list' ? shape.of : undefined;
    const items = value.map(v => normal(v, of)).filter(v => v !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    const props = (shape && shape.props) || {};
    const out = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === SOURCE) continue;
      const n = normal(v, props[key] || (k === 'text' ? { k: 'free' } : undefined));
      if (n !== undefined) out[key] = n;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (value === '') return undefined;
  return value;
}

export function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every(key => key in b && equal(a[key], b[key]));
}

// The form's values of a file: its data (and `body` for a Markdown file), with the file kept.
// `list` names the key that holds a file that is one list (themes.yaml).
export function fromFile(text, shape, { frontMatter = false, list = null } = {}) {
  let yamlText = text, body;
  if (frontMatter) {
    const parts = splitFrontMatter(text);
    if (!parts) return { body: text, [SOURCE]: text };
    yamlText = parts.yaml;
    body = parts.body;
  }
  const raw = parseYaml(yamlText).toJS() ?? (list ? [] : {});
  const data = list ? { [list]: normal(raw, shape) || [] } : normal(raw, shape) || {};
  if (frontMatter) data.body = body;
  data[SOURCE] = text;
  return data;
}

// ---- writing values anew

const YAML11 = new RegExp('^(?:' + [
  'y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF',
  '~|null|Null|NULL',
  '[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+',
  '[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+',
  '[-+]?(?:[0-9][0-9_]*)?\\.[0-9.]*(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)',
  '[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \\t]+).*)?',
].join('|') + ')$');
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._\/@+-]*$/;
const DATE = /^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$/;

// A string in double quotes, escaped as JSON is (YAML reads it the same), line separators too.
export function quoted(text) {
  return JSON.stringify(text).replace(/[\u0085\u2028\u2029]/g,
    c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

function code(text) {
  return PLAIN.test(text) && !YAML11.test(text) ? text : quoted(text);
}

function number(n) {
  const text = String(n);
  return /e/i.test(text) ? n.toFixed(12).replace(/\.?0+$/, '') : text;
}

// A value on one line.
export function flow(value, shape) {
  const k = shape && shape.k;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') {
    if (k === 'date' && DATE.test(value)) return value;
    return k === 'code' || k === 'codes' ? code(value) : quoted(value);
  }
  if (Array.isArray(value)) {
    const of = k === 'list' ? shape.of : k === 'codes' ? { k: 'code' } : undefined;
    return '[' + value.map(v => flow(v, of)).join(', ') + ']';
  }
  if (k === 'text' && Object.keys(value).length === 1 && typeof value.it === 'string') {
    return quoted(value.it);  // the same in both languages, as `build.py new` writes it
  }
  const props = k === 'text' ? { it: { k: 'free' }, en: { k: 'free' } } : (shape && shape.props) || {};
  return '{' + ordered(value, shape).map(key => `${key}: ${flow(value[key], props[key])}`)
    .join(', ') + '}';
}

function ordered(value, shape) {
  const keys = shape && shape.k === 'text' ? ['it', 'en'] : (shape && shape.keys) || [];
  return [...keys.filter(key => key in value),
          ...Object.keys(value).filter(key => !keys.includes(key))];
}

// One `key: value` entry, with its lines; a list of records is one `- {...}` a line.
function entry(key, value, shape, indent) {
  if (shape && shape.k === 'list' && Array.isArray(value)) {
    return `${indent}${key}:\n` + value.map(v => `${indent}  - ${flow(v, shape.of)}\n`).join('');
  }
  return `${indent}${key}: ${flow(value, shape)}\n`;
}

// An item of a file that is one list (a theme): a record with one line per key.
function blockItem(value, shape) {
  return ordered(value, shape).map((key, i) =>
    (i ? '  ' : '- ') + `${key}: ${flow(value[key], shape.props[key])}\n`).join('');
}

// ---- writing back an existing file

function lineStart(src, pos) {
  return src.lastIndexOf('\n', pos - 1) + 1;
}

function lineEnd(src, pos) {
  if (pos > 0 && src[pos - 1] === '\n') return pos;
  const nl = src.indexOf('\n', pos);
  return nl < 0 ? src.length : nl + 1;
}

function block(node) {
  return (isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0;
}

// The text of a block map or sequence `node` of `src` with `value` written in (from the first
// line of its first item to the end of its last), keeping what did not change.
function editBlock(src, node, old, value, shape, root = false) {
  return isMap(node) ? editMap(src, node, old || {}, value, shape)
                     : editSeq(src, node, old || [], value, shape, root);
}

// The indentation of a block collection's lines, from its first item.
function indentOf(src, node) {
  const first = isMap(node) ? node.items[0].key.range[0] : node.items[0].range[0];
  const line = src.slice(lineStart(src, first), first);
  return isMap(node) ? ' '.repeat(line.length) : line.match(/^ */)[0];
}

function spans(src, items, startOf, endOf) {
  return items.map((item, i) => {
    const start = lineStart(src, startOf(item));
    const end = lineEnd(src, endOf(item));
    const next = i + 1 < items.length ? lineStart(src, startOf(items[i + 1])) : end;
    return { item, start, end, gap: src.slice(end, Math.max(end, next)) };
  });
}

function editMap(src, node, old, value, shape) {
  const indent = indentOf(src, node);
  const props = (shape && shape.props) || {};
  const keys = (shape && shape.keys) || [];
  const slots = spans(src, node.items, p => p.key.range[0],
                      p => (p.value ? p.value.range[1] : p.key.range[1]));
  const out = [];
  for (const slot of slots) {
    const key = String(slot.item.key.value);
    if (!(key in value)) { out.push({ key, text: '', gap: slot.gap }); continue; }
    const text = src.slice(slot.start, slot.end);
    const v = slot.item.value;
    let written;
    if (equal(old[key], value[key])) written = text;
    else if (block(v) && typeof value[key] === 'object' && Array.isArray(value[key]) === isSeq(v)) {
      const from = lineStart(src, (isMap(v) ? v.items[0].key : v.items[0]).range[0]);
      written = src.slice(slot.start, from) + editBlock(src, v, old[key], value[key], props[key])
        + src.slice(lineEnd(src, v.range[1]), slot.end);
    } else {
      written = entry(key, value[key], props[key], indent);
      const comment = text.indexOf('\n') === text.length - 1 && v && v.comment;
      if (comment && !written.slice(0, -1).includes('\n')) {
        written = written.slice(0, -1) + '  #' + v.comment + '\n';
      }
    }
    out.push({ key, text: written, gap: slot.gap });
  }
  for (const key of keys.filter(k => k in value && !out.some(s => s.key === k))) {
    const before = keys.slice(0, keys.indexOf(key)).filter(k => out.some(s => s.key === k));
    const at = before.length ? out.findIndex(s => s.key === before[before.length - 1]) + 1 : 0;
    out.splice(at, 0, { key, text: entry(key, value[key], props[key], indent), gap: '' });
  }
  for (const key of Object.keys(value).filter(k => !out.some(s => s.key === k))) {
    out.push({ key, text: entry(key, value[key], props[key], indent), gap: '' });
  }
  return out.map(s => s.text + s.gap).join('');
}

function editSeq(src, node, old, value, shape, root) {
  const indent = indentOf(src, node);
  const of = shape && shape.k === 'list' ? shape.of : undefined;
  const slots = spans(src, node.items, n => n.range[0], n => n.range[1]);
  const sep = slots.length > 1 ? slots[0].gap : '';
  const fresh = v => (root && of && of.k === 'map' ? blockItem(v, of)
                                                       : `${indent}- ${flow(v, of)}\n`);
  const out = [];
  let p = 0;
  value.forEach((v, j) => {
    const q = old.findIndex((o, i) => i >= p && equal(o, v));
    if (q >= 0) {
      out.push(src.slice(slots[q].start, slots[q].end));
      p = q + 1;
      return;
    }
    const later = p < old.length && value.slice(j + 1).some(w => equal(w, old[p]));
    const n = p < old.length && !later ? slots[p].item : null;
    if (n && isMap(n) && !n.flow && typeof v === 'object' && !Array.isArray(v)) {
      const itemStart = n.items[0].key.range[0];
      const dash = src.slice(lineStart(src, itemStart), itemStart);  // `- `, or `  - `
      const text = editMap(src, n, old[p], v, of);
      out.push(text.startsWith(dash) ? text : dash + text.slice(dash.length));
      p += 1;
    } else {
      out.push(fresh(v));
      if (n) p += 1;
    }
  });
  return out.map((text, i) => (i ? sep : '') + text).join('');
}

// The YAML text of `value`, written into `src` (the file as it was) when there is one.
function writeYaml(src, value, shape) {
  if (src !== undefined) {
    const doc = parseYaml(src);
    const node = doc.contents;
    const old = normal(doc.toJS(), shape);
    if (equal(old, value)) return src;
    if (block(node)) {
      const first = isMap(node) ? node.items[0].key : node.items[0];
      const from = lineStart(src, first.range[0]);
      const to = lineEnd(src, node.range[1]);
      return src.slice(0, from) + editBlock(src, node, old, value ?? (isMap(node) ? {} : []),
        shape, true) + src.slice(to);
    }
  }
  if (value === undefined) return '';
  if (Array.isArray(value)) {
    return value.map(v => (shape.of.k === 'map' ? blockItem(v, shape.of) : `- ${flow(v)}\n`))
      .join('\n');
  }
  return ordered(value, shape).map(key => entry(key, value[key], shape.props[key], '')).join('');
}

// The file's text for the form's values `data`.
// `twin` lists the keys of a translation, a file of the kind without `id`: only they are
// written to it (the form also hands it the values of the facts it hides there).
export function toFile(data, shape, { frontMatter = false, list = null, twin = null } = {}) {
  const source = data[SOURCE];
  if (twin && !('id' in data)) data = pick(data, [...twin, 'body', SOURCE]);
  const value = normal(list ? data[list] : omit(data, 'body'), shape);
  if (!frontMatter) {
    const text = writeYaml(source, value, shape);
    return text;
  }
  const parts = source !== undefined ? splitFrontMatter(source) : null;
  const body = data.body ?? '';
  if (source !== undefined && !parts) return body;
  const yaml = writeYaml(parts ? parts.yaml : undefined, value, shape);
  if (parts && yaml === parts.yaml && body === parts.body) return source;
  if (value === undefined && !body.trim()) return '';  // an empty translation: no file
  return (parts ? parts.head : '---\n') + yaml + (parts ? parts.close : '---\n') + body;
}

function pick(data, keys) {
  return Object.fromEntries(Object.entries(data).filter(([key]) => keys.includes(key)));
}

function omit(data, ...keys) {
  const out = { ...data };
  for (const key of keys) delete out[key];
  return out;
}
