/** Policies the platform settles with, by id (a built-in id or a file path), compiled once. */
import { loadPolicy, SanbaoError, type Policy, type WarningRules } from '@sanbao/core';

export class PolicyRegistry {
  private readonly loaded = new Map<string, Policy>();

  get(id: string): Policy {
    let policy = this.loaded.get(id);
    if (!policy) {
      policy = loadPolicy(id);
      this.loaded.set(id, policy);
    }
    return policy;
  }

  /** The warning rules of a policy on a date; none where it sets none or is not in force that day. */
  warningRules(id: string, date: string): WarningRules | undefined {
    try {
      return this.get(id).at(date).rules.warning;
    } catch (error) {
      if (error instanceof SanbaoError && error.code === 'POLICY_NOT_IN_FORCE') return undefined;
      throw error;
    }
  }
}
