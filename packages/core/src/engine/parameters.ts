/**
 * How a layer reads its policy: read(cited, object, key, …) gives the value at a key of an object of the resolved
 * rules, the key checked by the compiler. Without trace that is the property load it always was; with trace the
 * value is cited with the path and source worked out once per epoch (policy/effective.ts, annotate), the same
 * frozen citation every time it is cited under the same name and value. A value the policy does not have throws,
 * with or without trace: it is never cited with the source of the object around it.
 */
import { problem, SanbaoError } from '../errors.js';
import type { Fen } from '../money.js';
import { PARAMS, type Annotated, type ParamInfo } from '../policy/effective.js';
import type { TraceParam } from './types.js';

/** The parameters a trace step cites as it is computed, or null when settling without trace. */
export type Citations = TraceParam[] | null;

type Unit = TraceParam['unit'];
type Shown = TraceParam['value'];

/** The keys of T whose values a trace can show as they are (amounts, ratios, words, bands). */
export type Readable<T> = {
  [K in keyof T]-?: null extends T[K] ? never : Exclude<T[K], undefined> extends Shown ? K : never;
}[keyof T] &
  string;

/** The keys of T that hold a yearly limit or cap, null when the policy sets none. */
export type Limit<T> = { [K in keyof T]-?: Exclude<T[K], undefined> extends Fen | null ? K : never }[keyof T] & string;

/** What a step that cites nothing cites: one frozen empty list, shared (a trace is read, never changed). */
export const NO_PARAMS = Object.freeze([]) as unknown as TraceParam[];

/** A new list of citations for one step, or null without trace. */
export function citations(trace: readonly unknown[] | null): Citations {
  return trace === null ? null : [];
}

/** What the engine works out once per policy epoch (PolicyAtDate.memo). */
export type Memo = { [what: string]: unknown };

/**
 * For a step that cites the same values every time (a level's outpatient rule): the citations kept from its first
 * time, when tracing. The layer then reads without citing (cited = null) and stepCitations copies them.
 */
export function keptCitations(trace: readonly unknown[] | null, memo: Memo, step: string): TraceParam[] | undefined {
  return trace === null ? undefined : (memo[step] as TraceParam[] | undefined);
}

/** This step's citations: a copy of those kept, or the ones just made, kept for next time. */
export function stepCitations(
  memo: Memo,
  step: string,
  kept: TraceParam[] | undefined,
  cited: Citations,
): TraceParam[] {
  if (kept !== undefined) return kept.slice();
  const made = cited ?? [];
  // Kept private and copied, never handed out. (Not frozen: slicing a frozen array takes V8's slow path.)
  memo[step] = made.slice();
  return made;
}

/*
 * read and readLimit are short on their common path (a value, no trace) so that V8 can inline them where they are
 * called: the key is then a constant and the read the property load it was before. Anything else goes through
 * readCited.
 */

/** The value at object[key]; when tracing, cited under its name. */
export function read<T extends object, K extends Readable<T>>(
  cited: Citations,
  object: T,
  key: K,
  name: string,
  unit: Unit,
): Exclude<T[K], undefined> {
  const value = object[key];
  if (cited !== null || value === undefined)
    return readCited(cited, object, key, name, unit) as Exclude<T[K], undefined>;
  return value as Exclude<T[K], undefined>;
}

/** A yearly limit or cap, null when the policy sets none (cited as 不设). */
export function readLimit<T extends object, K extends Limit<T>>(
  cited: Citations,
  object: T,
  key: K,
  name: string,
): Fen | null {
  const value = object[key] as Fen | null | undefined;
  if (cited !== null || value === undefined) return readCited(cited, object, key, name, 'fen') as Fen | null;
  return value;
}

/** Cites object[key] shown other than as its raw value: a choice in words, the element of a list that applies. */
export function cite<T extends object>(
  cited: Citations,
  object: T,
  key: keyof T & string,
  name: string,
  shown: Shown,
  unit: Unit,
): void {
  if (cited !== null) cited.push(citation(object, key, name, shown, unit));
}

/** Reads object[key], which must be there, and cites it when tracing; a null limit is cited as 不设. */
function readCited(cited: Citations, object: object, key: string, name: string, unit: Unit): unknown {
  const value = (object as Record<string, unknown>)[key];
  if (value === undefined) throw unknownParameter(name, key);
  if (cited === null) return value;
  if (value === null) cited.push(citation(object, key, name, '不设', 'text'));
  else cited.push(citation(object, key, name, value as Shown, unit));
  return value;
}

/** A value worked out in the step from the policy's (no path, no source of its own). */
export function derived(cited: Citations, name: string, value: Shown, unit: Unit): void {
  if (cited !== null) cited.push({ name, path: null, value, unit, source: undefined });
}

/**
 * The citation of object[key], kept with its path and source: traces share it (frozen, so that no reader can change
 * another's), and a settlement with trace allocates nothing for a value cited as before.
 */
function citation(object: object, key: string, name: string, value: Shown, unit: Unit): TraceParam {
  // Only what the policy writes has a ParamInfo (annotate): any other key, or an object that is not the policy's,
  // throws rather than being cited with the source of what holds it.
  const info: ParamInfo | undefined = (object as Annotated)[PARAMS]?.[key];
  if (info === undefined) throw unknownParameter(name, key);
  const kept = info.cited as TraceParam | undefined;
  if (kept !== undefined && kept.value === value && kept.name === name && kept.unit === unit) return kept;
  const made: TraceParam = Object.freeze({ name, path: info.path, value, unit, source: info.source });
  info.cited = made;
  return made;
}

function unknownParameter(name: string, key: string): SanbaoError {
  return new SanbaoError([problem('INVARIANT', `读取了政策中不存在的参数「${name}」（${key}）（程序错误）`)]);
}
