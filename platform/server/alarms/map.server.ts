/**
 * The alarms of 一张图: open alarms (报警中, 已确认, 处置中) in the reader's data scope that have a
 * place, most recent first. Nobody who may not read alarms sees any; that is not an error here,
 * since the map shows what each layer's reader may see.
 */
import type { App, Actor } from '../app.server.ts';
import { can } from '../access/guard.server.ts';
import { listAlarms } from './alarms.server.ts';

export interface MapAlarmOutput {
  id: string; ruleName: string; sourceCode: string; severity: number; status: string; module: string | null;
  deviceId: string | null; facilityId: string | null; districtOrgId: string | null; caseId: string | null;
  lng: number; lat: number; raisedAt: string; value: number | null;
}

export async function listMapAlarms(app: App, actor: Actor): Promise<MapAlarmOutput[]> {
  if (!can(actor, 'read', 'Alarm')) return [];
  const { items } = await listAlarms(app, actor, { status: 'open', limit: 1000 });
  return items.flatMap((a) => (a.lng === null || a.lat === null ? [] : [{
    id: a.id, ruleName: a.ruleName, sourceCode: a.sourceCode, severity: a.severity, status: a.status, module: a.module,
    deviceId: a.deviceId, facilityId: a.facilityId, districtOrgId: a.districtOrgId, caseId: a.caseId, lng: a.lng, lat: a.lat, raisedAt: a.raisedAt, value: a.value,
  }]));
}
