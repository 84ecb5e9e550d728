import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHParamsPluginData, encodeHParamsPluginData, hparamType, type HParamsPluginData } from '../../src/tracking/hparams-proto.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): string => Buffer.from(s).toString('hex');

// Expected bytes derived by hand from tensorboard/plugins/hparams/{plugin_data,api}.proto and
// google/protobuf/struct.proto (field numbers in formats.md 3.7); no TensorBoard here to produce them.
describe('hparams plugin data bytes', () => {
  it('session_start_info {hparams {"lr": 0.5}, start_time_secs 2}', () => {
    const bytes = encodeHParamsPluginData({ sessionStartInfo: { hparams: { lr: 0.5 }, startTimeSecs: 2 } });
    // 1a(3:LEN) 1a: SessionStartInfo { 0a(1:LEN) 0f: entry { 0a 02 "lr", 12 09: Value { 11 <0.5 f64> } }, 29(5:I64) <2.0 f64> }
    expect(hex(bytes)).toBe(`1a1a0a0f0a02${ascii('lr')}120911000000000000e03f` + '290000000000000040');
  });

  it('string and bool values, keys sorted', () => {
    const bytes = encodeHParamsPluginData({ sessionStartInfo: { hparams: { opt: 'sgd', aug: true }, startTimeSecs: 0 } });
    // entries: {0a 03 "aug" 12 02 {20 01}} and {0a 03 "opt" 12 05 {1a 03 "sgd"}}
    expect(hex(bytes)).toBe(`1a190a090a03${ascii('aug')}12022001` + `0a0c0a03${ascii('opt')}12051a03${ascii('sgd')}`);
  });

  it('session_end_info {status SUCCESS, end_time_secs 1}', () => {
    expect(hex(encodeHParamsPluginData({ sessionEndInfo: { status: 'success', endTimeSecs: 1 } }))).toBe('220b0801' + '11000000000000f03f');
  });

  it('experiment {time_created_secs, hparam_infos [{lr FLOAT64}], metric_infos [{name {tag val_acc}}]}', () => {
    const bytes = encodeHParamsPluginData({ experiment: { timeCreatedSecs: 1, hparams: [{ name: 'lr', type: 'float64' }], metrics: [{ tag: 'val_acc' }] } });
    // 12 LEN: Experiment { 19 <1.0>, 22 06 {0a 02 "lr" 20 03}, 2a 0b {0a 09 {12 07 "val_acc"}} }
    expect(hex(bytes)).toBe(`121e19000000000000f03f22060a02${ascii('lr')}2003` + `2a0b0a091207${ascii('val_acc')}`);
  });
});

describe('round trip', () => {
  const value = fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean());
  const name = fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__');
  const data: fc.Arbitrary<HParamsPluginData> = fc.oneof(
    fc.record({ sessionStartInfo: fc.record({ hparams: fc.dictionary(name, value), startTimeSecs: fc.double({ noNaN: true }) }) }),
    fc.record({ sessionEndInfo: fc.record({ status: fc.constantFrom('unknown', 'success', 'failure', 'running'), endTimeSecs: fc.double({ noNaN: true }) }) }),
    fc.record({
      experiment: fc.record({
        timeCreatedSecs: fc.double({ noNaN: true }),
        hparams: fc.array(fc.record({ name, type: fc.constantFrom('unset', 'string', 'bool', 'float64') })),
        metrics: fc.array(fc.oneof(fc.record({ tag: name }), fc.record({ tag: name, group: name }))),
      }),
    }),
  );

  it('decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(data, (d) => {
        const norm = JSON.parse(JSON.stringify(d, (_k, v: unknown) => (Object.is(v, -0) ? 0 : v))) as unknown;
        expect(JSON.parse(JSON.stringify(decodeHParamsPluginData(encodeHParamsPluginData(d))))).toEqual(norm);
      }),
    );
  });

  it('types of values', () => {
    expect([hparamType('a'), hparamType(1), hparamType(false)]).toEqual(['string', 'float64', 'bool']);
  });
});
