import { describe, expect, it } from 'vitest';
import { readJsonArray } from '../../../analyzer/parsers/network/common/json-array.js';
import { RowSink } from '../../../analyzer/parsers/network/common/row-sink.js';

function read(text: string) {
  const sink = new RowSink();
  const items = readJsonArray(text, sink);
  sink.add('x', {});
  return { items, errors: (sink.finish()['parse_errors'] ?? []).map((e) => e.message as string) };
}

describe('readJsonArray', () => {
  it('reads a valid array at native speed', () => {
    expect(read('[{"a":1},{"b":[1,2,{"c":"]"}]}]\n')).toEqual({ items: [{ a: 1 }, { b: [1, 2, { c: ']' }] }], errors: [] });
  });

  it('keeps the complete elements of an array cut inside an element', () => {
    const r = read('[{"a":1},{"b":"x\\"}y"},{"c":[1,2');
    expect(r.items).toEqual([{ a: 1 }, { b: 'x"}y' }]);
    expect(r.errors).toEqual([expect.stringMatching(/element 3 is cut off.*\(2 complete/)]);
  });

  it('keeps the elements of an array cut between elements', () => {
    const r = read('[{"a":1},{"a":2},');
    expect(r.items).toEqual([{ a: 1 }, { a: 2 }]);
    expect(r.errors).toEqual([expect.stringMatching(/ends inside the array after 2/)]);
  });

  it('drops one malformed element and keeps its neighbours', () => {
    const r = read('[{"a":1},{"b":01},{"c":3}]');
    expect(r.items).toEqual([{ a: 1 }, { c: 3 }]);
    expect(r.errors).toEqual([expect.stringMatching(/element 2 is malformed/)]);
  });

  it('reads scalars and arrays printed one after another', () => {
    expect(read('[1, "two", null]  [true]').items).toEqual([1, 'two', null, true]);
  });

  it('reports text that is no array', () => {
    expect(read('{"a":1}').errors).toEqual(['JSON output is not an array']);
    expect(read('oops').errors).toEqual(['JSON output does not start with an array']);
    expect(read('[1] trailing').errors).toEqual([expect.stringMatching(/unexpected text after/)]);
  });
});
