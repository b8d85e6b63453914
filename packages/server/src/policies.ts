/** Policies the platform settles with, by id (a built-in id or a file path), compiled once. */
import { loadPolicy, type Policy } from '@sanbao/core';

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
}
