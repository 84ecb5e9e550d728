import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/checkpoint/naming/template.js';

describe('parseTemplate', () => {
  it('splits text and fields, keeping the spec text', () => {
    const parts = parseTemplate('model_{epoch:03d}-{val/acc}');
    expect(parts.map((p) => (p.kind === 'text' ? p.text : `[${p.name}|${p.specText}]`))).toEqual(['model_', '[epoch|03d]', '-', '[val/acc|]']);
  });
  it('unescapes doubled braces', () => {
    expect(parseTemplate('{{x}}')).toEqual([{ kind: 'text', text: '{x}' }]);
  });
  it('parses an empty template to nothing', () => {
    expect(parseTemplate('')).toEqual([]);
  });
  it.each(['{', '}', '{a', 'a}b', '{}', '{:03d}', '{a{b}}', '{a:.x}'])('rejects %j with E_TEMPLATE', (t) => {
    expect(() => parseTemplate(t)).toThrow(expect.objectContaining({ code: 'E_TEMPLATE', message: expect.stringContaining(`"${t}"`) }));
  });
});
