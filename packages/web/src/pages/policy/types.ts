/** The 政策 screen's answers, as the platform's OpenAPI document declares them. */
import type { paths } from '../../api/schema';

export type PolicyAnswer = paths['/api/policy']['get']['responses']['200']['content']['application/json'];
export type Parameter = PolicyAnswer['sections'][number]['items'][number];
export type Source = Parameter['source'];
export type DiffAnswer = paths['/api/policy/diff']['get']['responses']['200']['content']['application/json'];
export type DiffItem = DiffAnswer['items'][number];
export type CasesAnswer = paths['/api/policy/cases']['post']['responses']['200']['content']['application/json'];
export type CaseResult = CasesAnswer['cases'][number];
