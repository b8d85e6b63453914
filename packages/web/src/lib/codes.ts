/**
 * The names the console shows for the platform's codes, taken from the engine's own tables (packages/core's codes,
 * which import nothing) so a code is named once in the whole project.
 */
import {
  CATEGORY_NAMES,
  LAYER_NAMES as CORE_LAYER_NAMES,
  LEVEL_NAMES,
  MED_TYPES as CORE_MED_TYPES,
  WARNING_LEVEL_NAMES,
} from '../../../core/src/codes';

export const MED_TYPES: Record<string, string> = Object.fromEntries(
  Object.entries(CORE_MED_TYPES).map(([code, type]) => [code, type.name]),
);

/** Trace steps also name the steps before the layers: the bill's classification and the person's category. */
export const STEP_NAMES: Record<string, string> = {
  scope: '费用分类',
  category: '人员类别',
  ...CORE_LAYER_NAMES,
  total: '合计',
};

export const CONFIDENCE_NAMES: Record<string, string> = {
  seed: '原始文件',
  public: '公开文件',
  assumed: '暂定',
};

export const categoryName = (code: string | null | undefined): string =>
  code ? ((CATEGORY_NAMES as Record<string, string>)[code] ?? code) : '—';

export { LEVEL_NAMES, WARNING_LEVEL_NAMES };
