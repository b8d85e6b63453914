import { describe, expect, it } from 'vitest';
import { claim, person, run } from '../test-support/build.js';
import { traceToJson } from './national.js';
import { expandTrace, storeTrace } from './stored-trace.js';

describe('stored trace', () => {
  it('round-trips through JSON to the same explanation, citing each source once, in under half the size', () => {
    const [result] = run('anhui/bozhou', person(['subsistence_allowance']), [
      claim({ total: 60000, fullOwnPay: 5000 }),
    ]);
    const trace = result!.trace!;
    const stored = JSON.parse(JSON.stringify(storeTrace(trace))) as ReturnType<typeof storeTrace>;
    expect(traceToJson(expandTrace(stored))).toEqual(traceToJson(trace));
    const keys = stored.sources.map((source) => `${source[1]}|${source[7]}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(JSON.stringify(stored).length * 2).toBeLessThan(JSON.stringify(traceToJson(trace)).length);
  });
});
