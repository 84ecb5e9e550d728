import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CkptError } from '../../src/errors.js';
import {
  checkNameSegment,
  DEFAULT_NAME_TEMPLATE,
  renderCheckpointName,
  templatePlaceholders,
  uniqueName,
  utcTimestamp,
} from '../../src/checkpoint/naming.js';
import type { NameValues } from '../../src/checkpoint/naming.js';

const TIME = Date.UTC(2026, 11, 1, 13, 40, 5, 123);
const at = (epoch: number, metrics: Record<string, number> = {}, step = (epoch + 1) * 100): NameValues => ({ epoch, step, metrics, time: TIME });

function errorOf(fn: () => unknown): CkptError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CkptError) return e;
    throw e;
  }
  throw new Error('expected a CkptError');
}

describe('renderCheckpointName: Lightning', () => {
  // Lightning's documented output: filename="{epoch}-{val_loss:.2f}" -> "epoch=2-val_loss=0.12"
  it('inserts name= by default, as auto_insert_metric_name', () => {
    expect(renderCheckpointName('{epoch}-{val_loss:.2f}', at(2, { val_loss: 0.1234 }))).toBe('epoch=2-val_loss=0.12');
  });
  it('does not with autoInsertMetricName: false', () => {
    expect(renderCheckpointName('{epoch}-{val_loss:.2f}', at(2, { val_loss: 0.1234 }), { autoInsertMetricName: false })).toBe('2-0.12');
  });
  it('makes "/" in metric names safe', () => {
    expect(renderCheckpointName('{epoch}-{val/acc:.3f}', at(1, { 'val/acc': 0.97 }))).toBe('epoch=1-val_acc=0.970');
    expect(renderCheckpointName('{val/acc:.3f}', at(1, { 'val/acc': 0.97 }), { autoInsertMetricName: false })).toBe('0.970');
  });
});

describe('renderCheckpointName: the seed template', () => {
  const seed = 'model_epoch_{epoch}_val_loss_{val_loss:.4f}';
  // format(0.123456, '.4f') == '0.1235' in Python
  it('renders the name once, even with auto insertion on', () => {
    expect(renderCheckpointName(seed, at(3, { val_loss: 0.123456 }))).toBe('model_epoch_3_val_loss_0.1235');
    expect(renderCheckpointName(seed, at(3, { val_loss: 0.123456 }), { autoInsertMetricName: false })).toBe('model_epoch_3_val_loss_0.1235');
  });
  it('only skips the label when the name is a whole word before the placeholder', () => {
    expect(renderCheckpointName('score-{e:.1f}', at(0, { e: 0.5 }))).toBe('score-e=0.5');
    expect(renderCheckpointName('loss={loss:.1f}', at(0, { loss: 0.5 }))).toBe('loss=0.5');
  });
});

describe('renderCheckpointName: placeholders and specs', () => {
  it('renders the default template with a zero-padded epoch', () => {
    expect(DEFAULT_NAME_TEMPLATE).toBe('{epoch:04d}-{step}');
    expect(renderCheckpointName(DEFAULT_NAME_TEMPLATE, at(7, {}, 1234))).toBe('epoch=0007-step=1234');
  });
  it('renders {timestamp} in UTC from the time field', () => {
    expect(utcTimestamp(TIME)).toBe('20261201T134005Z');
    expect(renderCheckpointName('run-{timestamp}', at(0), { autoInsertMetricName: false })).toBe('run-20261201T134005Z');
    expect(renderCheckpointName('{timestamp}', at(0))).toBe('timestamp=20261201T134005Z');
  });
  // Every expected value below came from Python's format(value, spec).
  it.each([
    ['{val_acc:.4f}', 0.97222, '0.9722'],
    ['{val_acc:.1%}', 0.8912, '89.1%'],
    ['{val_loss:.2e}', 0.000123, '1.23e-04'],
    ['{val_loss}', 0.5, '0.5'],
    ['{val_loss}', 2, '2.0'],
    ['{val_loss}', 1e-5, '1e-05'],
    ['{n:,d}', 1234567, '1,234,567'],
    ['{x:+.3f}', 1.5, '+1.500'],
    ['{x:05.1f}', 2.25, '002.2'],
  ])('%s of %s -> %s', (template, value, expected) => {
    const name = template.slice(1, template.search(/[:}]/));
    expect(renderCheckpointName(template, at(0, { [name]: value }), { autoInsertMetricName: false })).toBe(expected);
  });
  it('formats epoch and step as integers', () => {
    expect(renderCheckpointName('{epoch:03d}_{step:,}', at(2, {}, 12345), { autoInsertMetricName: false })).toBe('002_12,345');
    expect(renderCheckpointName('{epoch:.1f}', at(2), { autoInsertMetricName: false })).toBe('2.0');
  });
  it('prefers epoch and step from the record over metrics of the same name', () => {
    expect(renderCheckpointName('{epoch}', at(2, { epoch: 99 }))).toBe('epoch=2');
  });
  it('renders literal braces', () => {
    expect(renderCheckpointName('a{{b}}-{epoch}', at(1))).toBe('a{b}-epoch=1');
  });
  it('renders NaN as Python does, never as 0', () => {
    expect(renderCheckpointName('{val_loss:.2f}', at(1, { val_loss: Number.NaN }))).toBe('val_loss=nan');
  });
});

describe('renderCheckpointName: errors', () => {
  it('a missing metric or unknown placeholder throws E_METRIC_MISSING listing the available names', () => {
    const err = errorOf(() => renderCheckpointName('{epoch}-{val_acc:.2f}', at(1, { val_loss: 0.1, train_loss: 0.2 })));
    expect(err.code).toBe('E_METRIC_MISSING');
    expect(err.message).toContain('{val_acc}');
    expect(err.details.available).toEqual(['epoch', 'step', 'timestamp', 'train_loss', 'val_loss']);
    expect(errorOf(() => renderCheckpointName('{epohc}', at(1))).code).toBe('E_METRIC_MISSING');
    expect(errorOf(() => renderCheckpointName('{constructor}', at(1))).code).toBe('E_METRIC_MISSING');
  });
  it.each([
    ['{epoch', 'never closed'],
    ['epoch}', 'single "}"'],
    ['{}', 'empty placeholder'],
    ['{:d}', 'empty placeholder'],
    ['{a{b}}', 'nested'],
    ['{epoch:.f}', 'missing precision'],
    ['{epoch:q}', 'unexpected'],
    ['{epoch:x}', 'not supported'],
    ['{epoch:.2}', 'precision is not allowed'],
    ['{val_loss:d}', 'whole number'],
    ['{timestamp:>20}', 'no format spec'],
  ])('%j -> E_TEMPLATE (%s)', (template, words) => {
    const err = errorOf(() => renderCheckpointName(template, at(1, { val_loss: 0.5, a: 1 })));
    expect(err.code).toBe('E_TEMPLATE');
    expect(err.message).toContain(words);
  });
  it.each([
    ['a/{epoch}', '"/"'],
    ['..{epoch}', 'start with "."'],
    ['.tmp-{epoch}', 'start with "."'],
    ['a\\b', '"\\\\"'],
    ['a\u0000b', '"\\u0000"'],
    ['{x:/>8.1f}', '"/"'],
    ['', 'empty'],
    ['x'.repeat(256), 'longer than 255'],
  ])('an unsafe result %j -> E_TEMPLATE', (template, words) => {
    const err = errorOf(() => renderCheckpointName(template, at(1, { x: 1 })));
    expect(err.code).toBe('E_TEMPLATE');
    expect(err.message).toContain(words);
  });
  it('rejects a non-integer epoch or step', () => {
    expect(errorOf(() => renderCheckpointName('{epoch}', at(1.5))).code).toBe('E_INVALID_ARGUMENT');
  });
  it('rejects a time that is not a date for {timestamp}', () => {
    expect(errorOf(() => renderCheckpointName('{timestamp}', { ...at(1), time: Number.NaN })).code).toBe('E_TEMPLATE');
  });
});

describe('templatePlaceholders', () => {
  it('lists the names a template needs and validates it', () => {
    expect(templatePlaceholders('model_epoch_{epoch}_val_loss_{val_loss:.4f}')).toEqual(['epoch', 'val_loss']);
    expect(() => templatePlaceholders('{epoch:.f}')).toThrow(expect.objectContaining({ code: 'E_TEMPLATE' }));
  });
});

describe('uniqueName', () => {
  // Lightning appends -v1, -v2, ... when a checkpoint name already exists.
  it('appends -v1, -v2 on collisions', () => {
    expect(uniqueName('epoch=2-val_loss=0.12', new Set())).toBe('epoch=2-val_loss=0.12');
    expect(uniqueName('epoch=2-val_loss=0.12', new Set(['epoch=2-val_loss=0.12']))).toBe('epoch=2-val_loss=0.12-v1');
    expect(uniqueName('a', new Set(['a', 'a-v1', 'a-v3']))).toBe('a-v2');
  });
  it('always returns a name not in the set', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.array(fc.nat(5)), (name, versions) => {
        const existing = new Set([name, ...versions.map((v) => `${name}-v${v}`)]);
        expect(existing.has(uniqueName(name, existing))).toBe(false);
      }),
    );
  });
});

describe('properties', () => {
  const metricName = fc.stringMatching(/^[a-z][a-z0-9_/]{0,11}$/).filter((n) => !['epoch', 'step', 'timestamp'].includes(n));
  const spec = fc.constantFrom('', ':.4f', ':.2e', ':+.3f', ':,.2f', ':08.3f', ':g', ':.1%', ':^12.2f');
  it('a rendered name is always a safe single path segment, or the render throws E_TEMPLATE', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(metricName, spec, fc.double()), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '-', '_', '/', '.', ' '),
        fc.nat(10_000),
        fc.boolean(),
        (fields, sep, epoch, autoInsert) => {
          const template = fields.map(([n, s]) => `{${n}${s}}`).join(sep);
          const metrics = Object.fromEntries(fields.map(([n, , v]) => [n, v]));
          let name: string;
          try {
            name = renderCheckpointName(template, at(epoch, metrics), { autoInsertMetricName: autoInsert });
          } catch (e) {
            expect(e).toBeInstanceOf(CkptError);
            expect((e as CkptError).code).toBe('E_TEMPLATE');
            return;
          }
          expect(checkNameSegment(name)).toBe(name);
          for (const bad of ['/', '\\', '\u0000']) expect(name).not.toContain(bad);
          expect(name.startsWith('.')).toBe(false);
        },
      ),
    );
  });
});
