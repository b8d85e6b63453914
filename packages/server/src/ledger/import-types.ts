/** What a ledger import takes and what it answers, shared by its steps (staging.ts, merge.ts) and its callers. */
import type { CategoryCode, Department } from '@sanbao/core';
import type pg from 'pg';

/** The import's own connection (unpipelined: COPY streams on it), which every step runs on. */
export type Queryable = pg.ClientBase;

export type ImportMode = 'atomic' | 'partial';

export interface ImportRequest {
  department: Department;
  /** The region the ledger covers (a county, or a city with its counties): people outside it are not touched. */
  region: string;
  ledgerDate: string;
  mode: ImportMode;
  fileName: string;
  actor: string;
  /**
   * The number of running spells the operator confirms the import may end, when it would end more than
   * MASS_END allows; any other number refuses such an import as no number does.
   */
  confirmEnd?: number | undefined;
  /** Called as rows are read and as the merge advances (rows read, or a phase name). */
  onProgress?: (event: { phase: 'reading'; rows: number } | { phase: 'merging' | 'done' }) => void;
}

export interface BadRow {
  rowNo: number;
  codes: string[];
  reasons: string;
  /**
   * The cells as sent, ID numbers masked (341602********1238): the row number finds the row in the department's file.
   * Stored sealed (the ID column whole, and any ID number elsewhere, as `sm4:<sealed>`).
   */
  cells: string[];
}

/** A settlement made under a category after the day this import ended it: to be settled again. */
export interface Resettlement {
  psnNo: string;
  psnName: string;
  setlId: string;
  mdtrtId: string;
  fixmedinsCode: string;
  /** yyyy-MM-dd HH:mm:ss, China time. */
  setlTime: string;
  category: CategoryCode;
  /** The spell's last day as the import left it. */
  spellEnd: string;
}

export interface ImportResult {
  importId: number;
  status: 'imported' | 'refused' | 'duplicate';
  /**
   * Refusals of the file as a whole, as opposed to bad rows: no header, empty, not a ledger file (LEDGER_FORMAT), or
   * ending too many spells without the confirmed number (LEDGER_MASS_END, with `massEnd`).
   */
  fileProblem?: { code: string; message: string };
  /** The import would end `ending` of the `running` spells of the department in the region. */
  massEnd?: { ending: number; running: number };
  totalRows: number;
  goodRows: number;
  badRows: number;
  personsCreated: number;
  spellsCreated: number;
  spellsChanged: number;
  spellsEnded: number;
  /** The bad rows (all of them; the error report lists them). */
  problems: BadRow[];
  header: string[];
  /** Settlements made under a category after the day this import ended it (需重新结算). */
  resettlements: Resettlement[];
}
