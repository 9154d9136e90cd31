import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import {
  createDevice, createFacility, deviceInput, devicePatch, deviceTelemetry, facilityInput, getDevice, getFacility, issueDeviceToken, listDevices,
  listFacilities, listRejections, monitoringQuery, telemetryQuery, updateDevice,
} from '../../devices/devices.server.ts';
import { INGEST_REJECTIONS } from '../../db/schema-devices.server.ts';

const id = z.object({ id: z.string().min(1).max(64) });
const latest = z.record(z.string(), z.object({ value: z.number(), ts: z.string() }));
const device = z.object({
  id: z.string(), code: z.string(), typeKey: z.string(), typeName: z.string().nullable(), module: z.string().nullable(), facilityId: z.string().nullable(),
  orgId: z.string().nullable(), gridId: z.string().nullable(), districtOrgId: z.string().nullable(), lng: z.number(), lat: z.number(),
  installedOn: z.string().nullable(), status: z.string(), online: z.boolean().describe('data within the type\'s window (72 h by default, 000 table 5.2.4)'),
  lastSeenAt: z.string().nullable(), createdAt: z.string(), thresholds: z.record(z.string(), z.number()).nullable().describe('per-device alarm thresholds, `threshold.<key>` in alarm conditions'), latest,
});
const facility = z.object({
  id: z.string(), code: z.string(), name: z.string(), typeKey: z.string(), typeName: z.string().nullable(), module: z.string().nullable(), domain: z.string().nullable(),
  orgId: z.string().nullable(), gridId: z.string().nullable(), districtOrgId: z.string().nullable(), status: z.string(),
  geometry: z.record(z.string(), z.unknown()), lng: z.number(), lat: z.number(), attributes: z.record(z.string(), z.unknown()), createdAt: z.string(), updatedAt: z.string(),
});

export const deviceRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/facilities', permission: { action: 'read', subject: 'Facility' }, tag: 'monitoring',
    summary: '设施: the city\'s facilities in the caller\'s scope, by code', query: monitoringQuery,
    response: z.object({ items: z.array(facility), total: z.number().int() }), errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listFacilities(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/facilities/{id}', permission: { action: 'read', subject: 'Facility' }, tag: 'monitoring',
    summary: 'A facility with the devices on it', params: id,
    response: facility.extend({ devices: z.array(device) }), errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getFacility(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/facilities', permission: { action: 'create', subject: 'Facility' }, tag: 'monitoring',
    summary: 'Register a facility of a published facility type; grid and district follow from its location. Audited.', body: facilityInput,
    response: facility, status: 201, errors: [401, 403, 409, 422],
    handler: ({ app, actor, body }) => createFacility(app, actor, body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/devices', permission: { action: 'read', subject: 'Device' }, tag: 'monitoring',
    summary: '监测设备 in the caller\'s scope with their latest readings; `online=true|false` filters by the 72 h rule', query: monitoringQuery,
    response: z.object({ items: z.array(device), total: z.number().int() }), errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listDevices(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/devices/{id}', permission: { action: 'read', subject: 'Device' }, tag: 'monitoring',
    summary: 'A device, its latest readings and its type\'s metrics', params: id,
    response: device.extend({ metrics: z.array(z.record(z.string(), z.unknown())) }), errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getDevice(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/devices', permission: { action: 'create', subject: 'Device' }, tag: 'monitoring',
    summary: 'Register a device; the answer carries its telemetry token, shown only this once. Audited.', body: deviceInput,
    response: z.object({ device, token: z.string() }), status: 201, errors: [401, 403, 409, 422],
    handler: ({ app, actor, body }) => createDevice(app, actor, body),
  }),
  defineRoute({
    method: 'PATCH', path: '/api/v1/devices/{id}', permission: { action: 'update', subject: 'Device' }, tag: 'monitoring',
    summary: 'Change a device\'s status (active, maintenance, retired: a retired device\'s telemetry is refused) or its alarm thresholds (null clears them). Audited.', params: id, body: devicePatch,
    response: device, errors: [401, 403, 404, 422],
    handler: ({ app, actor, params, body }) => updateDevice(app, actor, params.id, body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/devices/{id}/token', permission: { action: 'update', subject: 'Device' }, tag: 'monitoring',
    summary: 'Issue a new telemetry token for a device (the old one stops working). Audited.', params: id,
    response: z.object({ token: z.string() }), errors: [401, 403, 404],
    handler: ({ app, actor, params }) => issueDeviceToken(app, actor, params.id),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/devices/{id}/telemetry', permission: { action: 'read', subject: 'Device' }, tag: 'monitoring',
    summary: 'History of one metric: raw readings (default the last 24 h) or hourly/daily rollups', params: id, query: telemetryQuery,
    response: z.object({ metric: z.string(), bucket: z.string(), points: z.array(z.object({ ts: z.string(), value: z.number(), min: z.number().optional(), max: z.number().optional(), count: z.number().optional() })) }),
    errors: [401, 403, 404, 422],
    handler: ({ app, actor, params, query }) => deviceTelemetry(app, actor, params.id, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/ingest-rejections', permission: { action: 'update', subject: 'Device' }, tag: 'monitoring',
    summary: 'What telemetry ingestion refused, counted per device code and reason',
    response: z.object({ items: z.array(z.object({ deviceCode: z.string(), reason: z.enum(INGEST_REJECTIONS), count: z.number().int(), lastAt: z.string(), lastDetail: z.string().nullable() })) }),
    errors: [401, 403],
    handler: async ({ app, actor }) => ({ items: await listRejections(app, actor) }),
  }),
];
