/**
 * When two departments disagree about a person (待核查). Each department certifies only its own categories (core's
 * DEPARTMENTS table), so two departments never send the same category; most categories of different departments
 * stand together (a 低保 person may be 监测人口 too, a veteran may be 特困). They disagree when they say opposite
 * things about the person's NEED:
 *
 * - in need: 特困人员, 低保对象, 低保边缘家庭成员 (民政部门, an income test), 返贫致贫人口, 监测人口 (乡村振兴部门, at
 *   risk), 因病致贫重病患者 (医疗保障部门);
 * - out of need: 稳定脱贫人口 (乡村振兴部门: out of poverty and no longer at risk; the platform gives it no subsidy);
 * - neither: 计划生育特殊家庭成员 (卫生健康部门) and 重点优抚对象 (退役军人事务部门), which are not about income.
 *
 * A row of a department's ledger disagrees with another department's spell when one says in need and the other out
 * of need, both on the ledger's date (the row not ended before it, the spell running on it). A department's own
 * categories never disagree with each other: its ledger is its word, and replaces what it said before. Such a row
 * is not applied: the ledger would otherwise contradict, unseen, what the other department certified; it is listed
 * for a clerk to check with both departments.
 */
import {
  CATEGORY_CODES,
  CATEGORY_NAMES,
  DEPARTMENT_CODES,
  DEPARTMENTS,
  type CategoryCode,
  type Department,
} from '@sanbao/core';

type Need = 'in_need' | 'out_of_need';

const NEED: Partial<Record<CategoryCode, Need>> = {
  extreme_poverty: 'in_need',
  subsistence_allowance: 'in_need',
  low_income_margin: 'in_need',
  returned_to_poverty: 'in_need',
  monitored: 'in_need',
  illness_impoverished: 'in_need',
  stable_exit: 'out_of_need',
};

/** The department that certifies a category, by the table; null for one no department sends (ordinary). */
export function ownerOf(code: string): Department | null {
  return (
    DEPARTMENT_CODES.find((department) => (DEPARTMENTS[department].categories as readonly string[]).includes(code)) ??
    null
  );
}

/** Every pair (a category of this department's ledger, another department's category) that disagrees. */
export function disagreeingPairs(department: Department): { own: CategoryCode[]; other: CategoryCode[] } {
  const own: CategoryCode[] = [];
  const other: CategoryCode[] = [];
  for (const mine of DEPARTMENTS[department].categories as readonly CategoryCode[]) {
    for (const theirs of CATEGORY_CODES) {
      const owner = ownerOf(theirs);
      if (owner === null || owner === department) continue;
      const a = NEED[mine];
      const b = NEED[theirs];
      if (a && b && a !== b) {
        own.push(mine);
        other.push(theirs);
      }
    }
  }
  return { own, other };
}

/** The clerk's reason for a held row, in words. */
export function disagreementReason(code: string, other: { code: string; begin: string; end: string | null }): string {
  const name = (c: string): string => CATEGORY_NAMES[c as CategoryCode] ?? c;
  const owner = ownerOf(other.code);
  const by = owner ? DEPARTMENTS[owner].name : '其他部门';
  const span = other.end ? `${other.begin} 至 ${other.end}` : `${other.begin} 起`;
  const mineSays = NEED[code as CategoryCode] === 'out_of_need' ? '已稳定脱贫' : '仍需救助帮扶';
  return `${by}认定为「${name(other.code)}」（${span}），与本台账的「${name(code)}」（${mineSays}）不一致，未导入，请与两部门核实`;
}
