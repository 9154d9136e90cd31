/**
 * The narrow services a plugin gets on `ctx.services`: ingest telemetry, authenticate a device,
 * list cities, read facilities and devices, start a process. Each is a thin adapter over the
 * platform's own services; none hands out the database.
 */
import { asc, eq } from 'drizzle-orm';
import type { JsonValue, PluginServices } from '@tongguan/plugin-sdk';
import type { App } from '../app.server.ts';
import { hashDeviceToken, monitoringTypes } from '../devices/devices.server.ts';
import { inStep } from '../workflow/step.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { newId } from '../ids.server.ts';

export function pluginServices(app: App, pluginId: string): PluginServices {
  const { db } = app;
  return {
    telemetry: {
      ingest: (messages) => app.telemetry.ingest(messages),
      reject: (tenantId, deviceCode, reason, detail) => app.telemetry.recordRejection(tenantId, deviceCode, reason, detail),
      async authenticateDevice(token) {
        const device = await app.devices.byTokenHash(hashDeviceToken(token));
        return device ? { id: device.id, tenantId: device.tenantId, code: device.code, typeKey: device.typeKey } : undefined;
      },
    },
    tenants: {
      list: async () => db.read.select({ id: db.t.tenants.id, code: db.t.tenants.code, name: db.t.tenants.name }).from(db.t.tenants).orderBy(asc(db.t.tenants.code)),
      byCode: async (code) => (await db.read.select({ id: db.t.tenants.id, code: db.t.tenants.code, name: db.t.tenants.name }).from(db.t.tenants).where(eq(db.t.tenants.code, code)))[0],
    },
    entities: {
      async facilities(tenantId) {
        const e = db.t.entities;
        return db.read.select({ id: e.id, code: e.code, name: e.name, typeKey: e.typeKey, lng: e.lng, lat: e.lat, districtOrgId: e.districtOrgId, attributes: e.attributes })
          .from(e).where(eq(e.tenantId, tenantId)).orderBy(asc(e.code));
      },
      async devices(tenantId) {
        const d = db.t.devices;
        const types = (await monitoringTypes(app, tenantId)).devices;
        const rows = await db.read.select({ id: d.id, code: d.code, typeKey: d.typeKey, facilityId: d.entityId, status: d.status, lng: d.lng, lat: d.lat })
          .from(d).where(eq(d.tenantId, tenantId)).orderBy(asc(d.code));
        return rows.map((row) => ({ ...row, metrics: types.get(row.typeKey)?.metrics ?? [] }));
      },
    },
    processes: {
      async start(tenantId, processKey, input) {
        const instanceId = newId();
        await inStep(app, tenantId, null, async (step) => {
          await step.start(processKey, { instanceId, businessKey: input.businessKey, variables: input.variables ?? {} });
          await recordAudit(db, step.tx, {
            tenantId, actorId: null, actorName: `plugin:${pluginId}`, action: 'create', objectType: 'processInstance', objectId: instanceId,
            detail: { processKey, businessKey: input.businessKey ?? null },
          }, { ip: null, userAgent: null }, step.now);
        });
        return { instanceId };
      },
    },
    peers: {
      publish: (topic, payload) => app.bus.publish(`plugin:${pluginId}:${topic}`, payload),
      // A plugin whose setup failed (or that was refused) leaves no live subscription behind: its handlers run only while it is active.
      subscribe: (topic, handler) => { app.bus.subscribe(`plugin:${pluginId}:${topic}`, (payload) => { if (app.plugins.get(pluginId)?.status === 'active') handler(payload as JsonValue); }); },
    },
  };
}
