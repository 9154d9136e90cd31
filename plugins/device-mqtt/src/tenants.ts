/** City code ↔ id, cached; an unknown code is looked up again at most every 10 s. */
import type { PluginServices } from '@tongguan/plugin-sdk';

const RETRY_MS = 10_000;

export class TenantCodes {
  private byCode = new Map<string, string>();
  private byId = new Map<string, string>();
  private loadedAt: number | undefined;
  private loading: Promise<void> | undefined;

  constructor(private readonly tenants: PluginServices['tenants'], private readonly now: () => number = Date.now) {}

  async idOf(code: string): Promise<string | undefined> {
    if (!this.byCode.has(code)) await this.refresh();
    return this.byCode.get(code);
  }

  async codeOf(id: string): Promise<string | undefined> {
    if (!this.byId.has(id)) await this.refresh();
    return this.byId.get(id);
  }

  /** Concurrent callers share one lookup (the first messages after a start arrive together). */
  private refresh(): Promise<void> {
    if (this.loading) return this.loading;
    if (this.loadedAt !== undefined && this.now() - this.loadedAt < RETRY_MS) return Promise.resolve();
    this.loading = this.tenants.list().then((list) => {
      this.byCode = new Map(list.map((t) => [t.code, t.id]));
      this.byId = new Map(list.map((t) => [t.id, t.code]));
      this.loadedAt = this.now();
    }).finally(() => { this.loading = undefined; });
    return this.loading;
  }
}
