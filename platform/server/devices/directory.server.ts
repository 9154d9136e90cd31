/**
 * What ingestion needs to know about devices, in memory: each device by code and by token hash,
 * with its published device type. Ingestion looks a device up per message, so it must not cost a
 * query; the directory loads a city's devices and types at once and reloads them when this
 * process changed them (`invalidate`) or after `ttlMs`, so changes made by another process
 * (PostgreSQL deployments) arrive within seconds.
 */
import { and, eq, desc } from 'drizzle-orm';
import { deviceTypeContentSchema, type DeviceTypeContent } from '@tongguan/runtime/devices/definition';
import type { Database } from '../db/database.server.ts';

export interface KnownDevice {
  readonly id: string;
  readonly tenantId: string;
  readonly code: string;
  readonly typeKey: string;
  readonly status: 'active' | 'maintenance' | 'retired';
  readonly tokenHash: string | null;
  readonly entityId: string | null;
  /** Where it stands and who it belongs to (alarms copy these when raised). */
  readonly orgId: string | null;
  readonly gridId: string | null;
  readonly districtOrgId: string | null;
  readonly lng: number;
  readonly lat: number;
  /** Per-device alarm thresholds (`threshold.…` in alarm conditions). */
  readonly thresholds: Readonly<Record<string, number>> | null;
  readonly createdAt: Date;
  /** Null when the device's type has no published version (its readings are refused as unknown metrics). */
  readonly type: DeviceTypeContent | null;
  readonly typeVersion: number | null;
}

interface TenantDevices {
  readonly loadedAt: number;
  readonly byCode: ReadonlyMap<string, KnownDevice>;
  readonly byId: ReadonlyMap<string, KnownDevice>;
  readonly byTokenHash: ReadonlyMap<string, KnownDevice>;
}

export class DeviceDirectory {
  private readonly tenants = new Map<string, Promise<TenantDevices>>();
  private readonly tokenTenants = new Map<string, string>();

  constructor(private readonly db: Database, private readonly now: () => number = Date.now, private readonly ttlMs = 10_000) {}

  /** Forget a city's devices and types (after this process changed them). */
  invalidate(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  async byCode(tenantId: string, code: string): Promise<KnownDevice | undefined> {
    return (await this.load(tenantId)).byCode.get(code);
  }

  async byId(tenantId: string, id: string): Promise<KnownDevice | undefined> {
    return (await this.load(tenantId)).byId.get(id);
  }

  /** The device a token (its SHA-256, hex) belongs to, in whatever city. */
  async byTokenHash(tokenHash: string): Promise<KnownDevice | undefined> {
    let tenantId = this.tokenTenants.get(tokenHash);
    if (!tenantId) {
      const d = this.db.t.devices;
      const [row] = await this.db.read.select({ tenantId: d.tenantId }).from(d).where(eq(d.tokenHash, tokenHash));
      if (!row) return undefined;
      tenantId = row.tenantId;
      this.tokenTenants.set(tokenHash, tenantId);
    }
    return (await this.load(tenantId)).byTokenHash.get(tokenHash);
  }

  private load(tenantId: string): Promise<TenantDevices> {
    const cached = this.tenants.get(tenantId);
    if (!cached) return this.reload(tenantId);
    // A failed load is retried on the next lookup; a stale one is refreshed — once: every lookup
    // that found the same entry shares the first one's reload (thousands of messages may be
    // waiting on one entry when it goes stale, and each reload reads every device of the city).
    const again = () => (this.tenants.get(tenantId) === cached ? this.reload(tenantId) : this.load(tenantId));
    return cached.then((t) => (this.now() - t.loadedAt > this.ttlMs ? again() : t), again);
  }

  private reload(tenantId: string): Promise<TenantDevices> {
    const loading = this.fetch(tenantId);
    this.tenants.set(tenantId, loading);
    return loading;
  }

  private async fetch(tenantId: string): Promise<TenantDevices> {
    const { devices: d, definitions: def } = this.db.t;
    const [rows, typeRows] = await Promise.all([
      this.db.read.select({
        id: d.id, code: d.code, typeKey: d.typeKey, status: d.status, tokenHash: d.tokenHash, entityId: d.entityId,
        orgId: d.orgId, gridId: d.gridId, districtOrgId: d.districtOrgId, lng: d.lng, lat: d.lat, thresholds: d.thresholds, createdAt: d.createdAt,
      }).from(d).where(eq(d.tenantId, tenantId)),
      this.db.read.select({ key: def.key, version: def.version, content: def.content }).from(def)
        .where(and(eq(def.tenantId, tenantId), eq(def.kind, 'deviceType'), eq(def.status, 'published'))).orderBy(desc(def.version)),
    ]);
    const types = new Map<string, { content: DeviceTypeContent; version: number }>();
    for (const row of typeRows) {
      if (types.has(row.key)) continue;
      const parsed = deviceTypeContentSchema.safeParse(row.content);
      if (parsed.success) types.set(row.key, { content: parsed.data, version: row.version });
    }
    const byCode = new Map<string, KnownDevice>();
    const byId = new Map<string, KnownDevice>();
    // Every device of a fleet authenticates when it connects (embedded MQTT broker): a scan per token would be quadratic.
    const byTokenHash = new Map<string, KnownDevice>();
    for (const row of rows) {
      const type = types.get(row.typeKey);
      const device: KnownDevice = { ...row, tenantId, type: type?.content ?? null, typeVersion: type?.version ?? null };
      byCode.set(row.code, device);
      byId.set(row.id, device);
      if (row.tokenHash) byTokenHash.set(row.tokenHash, device);
    }
    return { loadedAt: this.now(), byCode, byId, byTokenHash };
  }
}
