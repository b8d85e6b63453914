export * from './money.js';
export { seededRandom } from './random.js';
export * from './ids.js';
export * from './codes.js';
export * from './errors.js';
export * from './text.js';
export * from './fee-lines.js';
export type { Confidence, Source } from './policy/file.js';
export { issueMessage as describeIssue, parsePolicyFile } from './policy/file.js';
export type {
  ApplicationRules,
  Band,
  BurdenMeasure,
  Measure,
  PolicyRules,
  TemporaryRule,
  SubsidyRule,
  WarningRules,
  Cadence,
  PlausibilityRules,
} from './policy/schema.js';
export type { Policy, PolicyAtDate, Provenance } from './policy/resolve.js';
export { compilePolicy } from './policy/resolve.js';
export { builtInPolicyDir, listBuiltInPolicies, loadPolicy } from './policy/load.js';
export {
  CASES_SUFFIX,
  parameterUnit,
  parseCaseFile,
  type CaseClaim,
  type CaseFile,
  type Expectation,
  type PolicyCase,
  type Unit,
} from './policy/cases.js';
export {
  casesFileBeside,
  describeCheck,
  describeFailure,
  describeOutcomes,
  formatFigure,
  loadCaseFile,
  runCase,
  runCases,
  type CaseOutcome,
  type Check,
} from './policy/cases-run.js';
export * from './policy/catalogue.js';
export { yuanInCapitals } from './capitals.js';
export * from './engine/types.js';
export { activeCategories, decidingCategory, emptyYearToDate, settle, yearOf } from './engine/settle.js';
export { LAYERS } from './engine/layers/index.js';
export type { FundField, FundPayType, LayerDefinition } from './engine/layer.js';
export {
  describeConfidence,
  describeStep,
  describeParam,
  formatBands,
  processInfo,
  type CiteStyle,
} from './engine/explain.js';
export {
  fundTotals,
  toSetldetail,
  toSetlinfo,
  citedSource,
  shownFigures,
  traceToJson,
  type FundTotal,
  type NationalSetldetail,
  type NationalSetlinfo,
  type TraceJson,
} from './engine/national.js';
export { settleSequence } from './engine/sequence.js';
export { resettleYear, settlementDifference, type Resettlement, type TopUp } from './engine/resettle.js';
export { shiftYearToDate } from './engine/year-to-date.js';
export { expandTrace, storeTrace, type StoredTrace } from './engine/stored-trace.js';
export { coverageStart, premiumSubsidy, type SubsidyResult } from './benefits/subsidy.js';
export {
  approvalStep,
  approvedSpell,
  BURDEN_NAMES,
  burdenOf,
  refuseApplication,
  type ApplicationRefusal,
} from './benefits/application.js';
export {
  assessWarning,
  classifyWarning,
  levelOf,
  LEVEL_RANK,
  lowestThreshold,
  measuredAmount,
  nextLevel,
  populationOf,
  type LevelCause,
  type WarningAssessment,
  type WarningPopulation,
} from './warning/levels.js';
export { addDays, CADENCE_NAMES, dueOnOrAfter, dueOnOrBefore, isDue } from './warning/schedule.js';
export {
  nextStatuses,
  refuseTransition,
  WARNING_STATUS_CODES,
  WARNING_STATUSES,
  type WarningStatus,
} from './warning/workflow.js';
export { parseScenario, type Scenario, type ScenarioPerson } from './scenario.js';
export {
  categoryOfName,
  DEPARTMENT_CODES,
  departmentName,
  DEPARTMENTS,
  LEDGER_COLUMNS,
  type Department,
  type LedgerColumn,
  type LedgerField,
} from './ledger/template.js';
export {
  cellText,
  LedgerValidator,
  mapHeader,
  parseLedgerDate,
  type Cell,
  type LedgerContext,
  type LedgerRow,
  type RowProblem,
} from './ledger/validate.js';
export {
  negatedAmounts,
  SETTLEMENT_AMOUNT_NAMES,
  SETTLEMENT_AMOUNTS,
  SETTLEMENT_FIGURES,
  type SettlementAmount,
  type SettlementFigure,
} from './settlement-fields.js';
