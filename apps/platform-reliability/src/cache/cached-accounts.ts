import type { Account, AccountsRepository } from '../db/accounts-repository.js'
import type { TwoLevelCache } from './two-level-cache.js'

/** The account reads of one app instance, through its cache; writes invalidate the account's key. */
export class CachedAccounts {
  constructor(
    readonly repo: AccountsRepository,
    readonly cache: TwoLevelCache<Account>,
  ) {}

  static key(id: number): string {
    return `account:{${id}}`
  }

  get(id: number): Promise<Account | undefined> {
    return this.cache.get(CachedAccounts.key(id), () => this.repo.get(id))
  }

  async rename(id: number, owner: string): Promise<Account | undefined> {
    const account = await this.repo.rename(id, owner)
    await this.cache.invalidate(CachedAccounts.key(id))
    return account
  }
}
