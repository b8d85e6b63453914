/**
 * The layers that can pay a claim, by the person's category and the encounter type, worked out once per policy
 * epoch from each layer's reaches(): a claim then runs only those, in the order of the list. Looked up by numbers
 * (the encounter type's place in the code table, the category's in the precedence), so finding them costs two
 * array reads.
 */
import { ENCOUNTER_TYPES, type CategoryCode, type EncounterType } from '../codes.js';
import { problem, SanbaoError } from '../errors.js';
import type { PolicyAtDate } from '../policy/resolve.js';
import type { LayerDefinition } from './layer.js';
import { LAYERS } from './layers/index.js';

/** [encounter type][1 + rank in the precedence]: the layers in order. */
type Plan = (readonly LayerDefinition[])[][];

/** The layers a claim of this encounter type can reach for a person of this rank (-1: ordinary). */
export function layersFor(policy: PolicyAtDate, rank: number, encounter: EncounterType): readonly LayerDefinition[] {
  const plan = (policy.memo['layers'] ??= planOf(policy)) as Plan;
  const layers = plan[ENCOUNTER_TYPES.indexOf(encounter)]?.[rank + 1];
  if (layers === undefined)
    throw new SanbaoError([problem('INVARIANT', `没有就诊类型 ${encounter} 的结算层次（程序错误）`)]);
  return layers;
}

function planOf(policy: PolicyAtDate): Plan {
  const precedence = policy.rules.categories.precedence;
  return ENCOUNTER_TYPES.map((encounter) =>
    [-1, ...precedence.keys()].map((rank) => {
      const category: CategoryCode = rank < 0 ? 'ordinary' : (precedence[rank] as CategoryCode);
      return LAYERS.filter((layer) => layer.reaches(policy.rules, category, encounter));
    }),
  );
}
