/**
 * The trace as a settlement stores it: every step with its numbers, each source cited once. expandTrace gives back
 * the engine's trace, so that the Chinese text and setl_proc_info are rendered when read, not on every write.
 */
import type { Confidence } from '../policy/file.js';
import type { Provenance } from '../policy/resolve.js';
import type { TraceParam, TraceStep } from './types.js';

export interface StoredTrace {
  v: 1;
  /** Sources cited by the steps, once each: [cite, sourceKey, confidence, from, until, file, line, path]. */
  sources: [string, string, Confidence, string, string | null, string, number, string][];
  /** [layer, rule, params, figures, paid]; a param is [name, path, value, unit, source index or -1]. */
  steps: [
    TraceStep['layer'],
    string,
    [string, string | null, TraceParam['value'], TraceParam['unit'], number][],
    Record<string, number>,
    number,
  ][];
}

export function storeTrace(trace: readonly TraceStep[]): StoredTrace {
  const sources: StoredTrace['sources'] = [];
  const index = new Map<Provenance, number>();
  const cite = (source: Provenance | undefined): number => {
    if (!source) return -1;
    let at = index.get(source);
    if (at === undefined) {
      at = sources.length;
      sources.push([
        source.cite,
        source.sourceKey,
        source.confidence,
        source.from,
        source.until,
        source.file,
        source.line,
        source.path,
      ]);
      index.set(source, at);
    }
    return at;
  };
  return {
    v: 1,
    sources,
    steps: trace.map((step) => [
      step.layer,
      step.rule,
      step.params.map((p) => [p.name, p.path, p.value, p.unit, cite(p.source)]),
      step.figures,
      step.paid,
    ]),
  };
}

export function expandTrace(stored: StoredTrace): TraceStep[] {
  const sources = stored.sources.map(([cite, sourceKey, confidence, from, until, file, line, path]): Provenance => ({
    cite,
    sourceKey,
    confidence,
    from,
    until,
    file,
    line,
    path,
  }));
  return stored.steps.map(([layer, rule, params, figures, paid]) => ({
    layer,
    rule,
    params: params.map(([name, path, value, unit, source]) => ({
      name,
      path,
      value,
      unit,
      source: source >= 0 ? sources[source] : undefined,
    })),
    figures,
    paid,
  }));
}
