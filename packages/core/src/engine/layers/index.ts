/**
 * The layers of a settlement in the order they pay, each on what the previous left. A new layer is a file in this
 * folder declaring itself with defineLayer, and one line here.
 */
import type { LayerDefinition } from '../layer.js';
import { assistance } from './assistance.js';
import { basic } from './basic.js';
import { criticalIllness } from './critical-illness.js';
import { highCostSubsidy } from './high-cost-subsidy.js';
import { reAssistance } from './re-assistance.js';
import { supplementary } from './supplementary.js';
import { temporary } from './temporary.js';

export const LAYERS: readonly LayerDefinition[] = [
  basic,
  criticalIllness,
  assistance,
  reAssistance,
  highCostSubsidy,
  supplementary,
  temporary,
];
