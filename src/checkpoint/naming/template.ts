/**
 * Parsing of checkpoint name templates: literal text with `{name}` or `{name:spec}` placeholders
 * and `{{`/`}}` for literal braces, as Python's `str.format`. A name is any text without `{`, `}`
 * or `:` (metric names such as `val/acc` are allowed); the spec is the format-spec mini-language.
 *
 * @module
 */
import { CkptError } from '../../errors.js';
import { parseFormatSpec } from './format-spec.js';
import type { FormatSpec } from './format-spec.js';

/** One piece of a parsed template. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'field'; readonly name: string; readonly specText: string; readonly spec: FormatSpec };

function templateError(template: string, why: string): CkptError {
  return new CkptError('E_TEMPLATE', `name template "${template}": ${why}`, { details: { template } });
}

/** Parses `template`; throws E_TEMPLATE on an unbalanced brace, an empty name or a bad spec. */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '}') {
      if (template[i + 1] !== '}') throw templateError(template, `single "}" at ${i}; write "}}" for a literal brace`);
      text += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    if (template[i + 1] === '{') {
      text += '{';
      i += 2;
      continue;
    }
    const close = template.indexOf('}', i + 1);
    if (close < 0) throw templateError(template, `"{" at ${i} is never closed; write "{{" for a literal brace`);
    const inner = template.slice(i + 1, close);
    if (inner.includes('{')) throw templateError(template, `nested "{" in "{${inner}}" is not supported`);
    const colon = inner.indexOf(':');
    const name = colon < 0 ? inner : inner.slice(0, colon);
    const specText = colon < 0 ? '' : inner.slice(colon + 1);
    if (name.length === 0) throw templateError(template, `empty placeholder "{${inner}}": name a metric, epoch, step or timestamp`);
    let spec: FormatSpec;
    try {
      spec = parseFormatSpec(specText);
    } catch (err) {
      throw new CkptError('E_TEMPLATE', `name template "${template}", placeholder {${inner}}: ${(err as Error).message}`, {
        cause: err,
        details: { template, placeholder: name, spec: specText },
      });
    }
    if (text !== '') parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'field', name, specText, spec });
    i = close + 1;
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}
