/**
 * Checkpoint names from templates such as Lightning's `{epoch}-{val_loss:.2f}` (rendered
 * `epoch=2-val_loss=0.12`) or the seed's `model_epoch_{epoch}_val_loss_{val_loss:.4f}`.
 * Pure: the time comes in with the record.
 *
 * @example
 * ```ts
 * renderCheckpointName('{epoch}-{val_loss:.2f}', { epoch: 2, step: 300, metrics: { val_loss: 0.1234 }, time: Date.now() });
 * // 'epoch=2-val_loss=0.12'
 * uniqueName('epoch=2-val_loss=0.12', new Set(['epoch=2-val_loss=0.12'])); // 'epoch=2-val_loss=0.12-v1'
 * ```
 * @module
 */
import { CkptError } from '../errors.js';
import { formatNumber } from './naming/format-spec.js';
import { parseTemplate } from './naming/template.js';
import type { TemplatePart } from './naming/template.js';
import type { StepRecord } from './policies/types.js';

/**
 * The default template: `{epoch:04d}-{step}`, rendered `epoch=0007-step=1234`. The zero-padded
 * epoch sorts names by epoch in a plain listing; the step tells apart several saves in one epoch.
 */
export const DEFAULT_NAME_TEMPLATE = '{epoch:04d}-{step}';

/** The placeholders every template may use besides metric names. */
export const BUILTIN_PLACEHOLDERS = ['epoch', 'step', 'timestamp'] as const;

/** The longest name accepted, in UTF-8 bytes (the common filesystem limit for one segment). */
export const MAX_NAME_BYTES = 255;

/** Options of {@link renderCheckpointName}. */
export interface RenderNameOptions {
  /**
   * Write each placeholder as `name=value` (Lightning's `auto_insert_metric_name`), with `/` and
   * other unsafe characters of the name replaced by `_` (`{val/acc}` -> `val_acc=0.97`). A
   * placeholder whose name the template already writes right before it (`epoch_{epoch}`,
   * `loss={loss}`, followed by nothing or one of `_ = - .`) is not prefixed again, so the seed's
   * `model_epoch_{epoch}` renders `model_epoch_3`, not `model_epoch_epoch=3`. Default: `true`.
   */
  readonly autoInsertMetricName?: boolean;
}

/** The values a name is rendered from: a step record (`epoch`, `step`, `metrics`, `time`). */
export type NameValues = Pick<StepRecord, 'epoch' | 'step' | 'metrics' | 'time'>;

/**
 * Renders `template` (default {@link DEFAULT_NAME_TEMPLATE}) for `values`:
 * - `{epoch}`, `{step}`: integers; `{timestamp}`: `time` in UTC as `YYYYMMDDTHHMMSSZ`, no spec;
 *   any other name is a metric of `values.metrics` (these three names win over metrics named so);
 * - `{name:spec}`: Python's format-spec mini-language for numbers (fill, align, sign, `0`, width,
 *   `,`/`_`, precision, types `d f F e E g G %`); metrics are formatted as Python floats, so a bare
 *   `{val_loss}` renders like Python's `str(float)` (`0.5`, `2.0`, `1e-05`);
 * - `{{` and `}}` are literal braces.
 *
 * Throws E_TEMPLATE for a malformed template or spec, or when the result is not a safe single path
 * segment (see {@link checkNameSegment}); E_METRIC_MISSING, listing the available names, for a
 * placeholder that is neither built in nor a given metric (nothing is ever rendered as 0).
 */
export function renderCheckpointName(template: string, values: NameValues, options: RenderNameOptions = {}): string {
  const autoInsert = options.autoInsertMetricName ?? true;
  for (const key of ['epoch', 'step'] as const) {
    if (!Number.isSafeInteger(values[key])) {
      throw new CkptError('E_INVALID_ARGUMENT', `renderCheckpointName: ${key} must be an integer, got ${values[key]}`, { details: { [key]: values[key] } });
    }
  }
  let out = '';
  for (const part of parseTemplate(template)) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const value = renderField(template, part, values);
    const label = safeLabel(part.name);
    out += autoInsert && !alreadyLabelled(out, label, part.name) ? `${label}=${value}` : value;
  }
  return checkNameSegment(out, template);
}

function renderField(template: string, field: Extract<TemplatePart, { kind: 'field' }>, values: NameValues): string {
  const where = (e: unknown): CkptError =>
    new CkptError('E_TEMPLATE', `name template "${template}", placeholder {${field.name}${field.specText ? `:${field.specText}` : ''}}: ${(e as Error).message}`, {
      cause: e,
      details: { template, placeholder: field.name },
    });
  if (field.name === 'timestamp') {
    if (field.specText !== '') throw where(new Error('{timestamp} takes no format spec'));
    return utcTimestamp(values.time, template);
  }
  let value: number;
  let kind: 'int' | 'float';
  if (field.name === 'epoch' || field.name === 'step') {
    value = values[field.name];
    kind = 'int';
  } else if (Object.hasOwn(values.metrics, field.name)) {
    value = values.metrics[field.name] ?? Number.NaN;
    kind = 'float';
  } else {
    const available = [...BUILTIN_PLACEHOLDERS, ...Object.keys(values.metrics).sort()];
    throw new CkptError(
      'E_METRIC_MISSING',
      `name template "${template}": placeholder {${field.name}} is not a given metric nor one of epoch, step, timestamp ` +
        `(available: ${available.join(', ')}); log the metric or fix the template`,
      { details: { template, placeholder: field.name, available } },
    );
  }
  try {
    return formatNumber(value, field.spec, kind);
  } catch (e) {
    throw where(e);
  }
}

/** `time` (ms since the Unix epoch) in UTC as `YYYYMMDDTHHMMSSZ`, e.g. `20261201T134000Z`. */
export function utcTimestamp(time: number, template = '{timestamp}'): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) {
    throw new CkptError('E_TEMPLATE', `name template "${template}": time ${time} is not a valid date for {timestamp}`, { details: { template } });
  }
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Characters never allowed in a name besides controls: path separators and what Windows forbids. */
const FORBIDDEN_CHARS = '/\\<>:"|?*';

/** True for NUL and the other control characters, path separators and Windows' forbidden characters. */
function isUnsafeChar(c: string): boolean {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || FORBIDDEN_CHARS.includes(c);
}

/** A placeholder name made safe to write into a name: every unsafe character becomes `_`. */
function safeLabel(name: string): string {
  return Array.from(name, (c) => (isUnsafeChar(c) ? '_' : c)).join('');
}

/**
 * True when `rendered` already ends with the placeholder's name as a word (at the start or after
 * a character that is not a letter or digit), optionally followed by one of `_ = - .`.
 */
function alreadyLabelled(rendered: string, label: string, name: string): boolean {
  for (const n of new Set([label, name])) {
    for (const sep of ['', '_', '=', '-', '.']) {
      if (!rendered.endsWith(n + sep)) continue;
      const before = rendered.slice(0, rendered.length - n.length - sep.length).slice(-1);
      if (!/[\p{L}\p{N}]/u.test(before)) return true;
    }
  }
  return false;
}

/**
 * Returns `name` when it is a safe single path segment: non-empty, not starting with `.` (which
 * also rules out `.`, `..` and the `.tmp-*` in-flight directories), without `/`, `\`, NUL or
 * control characters or `< > : " | ? *`, at most {@link MAX_NAME_BYTES} UTF-8 bytes. Throws E_TEMPLATE otherwise.
 */
export function checkNameSegment(name: string, template = name): string {
  let why: string | undefined;
  if (name.length === 0) why = 'the name is empty';
  else if (name.startsWith('.')) why = 'a name must not start with "."';
  else if (Array.from(name).some(isUnsafeChar)) why = `the character ${JSON.stringify(Array.from(name).find(isUnsafeChar))} is not allowed in a name`;
  else if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) why = `the name is longer than ${MAX_NAME_BYTES} bytes`;
  if (why === undefined) return name;
  throw new CkptError('E_TEMPLATE', `name template "${template}" renders ${JSON.stringify(name)}: ${why}; it must be one safe path segment`, {
    details: { template, name },
  });
}

/**
 * `name`, or when `existing` has it, the first free `name-v1`, `name-v2`, ... (as Lightning does on
 * collisions).
 */
export function uniqueName(name: string, existing: ReadonlySet<string>): string {
  if (!existing.has(name)) return name;
  for (let version = 1; ; version++) {
    const candidate = `${name}-v${version}`;
    if (!existing.has(candidate)) return candidate;
  }
}

/**
 * The placeholder names `template` uses, after checking that it parses (so a manager can fail at
 * construction, and know which metrics every save needs). Throws E_TEMPLATE when malformed.
 */
export function templatePlaceholders(template: string): string[] {
  return parseTemplate(template).flatMap((p) => (p.kind === 'field' ? [p.name] : []));
}
