/**
 * Idempotent loader for a city folder under seeds/ (tenant, organisations, grids, people,
 * calendar, dictionaries). Running it again inserts only what is missing; existing rows are
 * left as the city changed them. The folder's files are validated with zod first, so a broken
 * seed fails before anything is written; everything is written in one transaction.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { App } from '../app.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { hashPassword } from '../auth/passwords.server.ts';
import { newId } from '../ids.server.ts';
import { contentChecksum } from '../definitions/checksum.server.ts';
import { ensureBuiltinRoles } from './builtin-roles.server.ts';
import { scheduleStartTimers } from '../workflow/start-timers.server.ts';
import { ORG_KINDS, ORG_LEVELS, POSITIONS } from '../../shared/domain.ts';
import { polygonSchema, bboxOf, pointInPolygon } from '../../shared/schemas/geo.ts';
import { checkAttributes } from '@tongguan/runtime/devices/definition';
import { alarmRuleContentSchema } from '@tongguan/runtime/alarms/definition';
import { alarmRuleIssues } from '../alarms/rules.server.ts';
import type { Db } from '../db/database.server.ts';
import { monitoringTypes } from '../devices/devices.server.ts';
import { dictionaryContentSchema, parseDictionaryCsv } from '../../shared/schemas/dictionary-csv.ts';

export const SEEDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../seeds');
const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../templates/five-domains');

const templateList = (extension: 'bpmn' | 'json') =>
  z.array(z.object({ key: z.string().min(1), name: z.string().min(1), file: z.string().regex(new RegExp(`^[\\w.-]+\\.${extension}$`)) }));

/**
 * The template's definitions a city starts with: the case process and the forms of its stages
 * (validated by the engine's parser and the form checks in templates/five-domains tests).
 */
const indicatorFiles = z.array(z.object({ file: z.string().regex(/^[\w.-]+\.json$/), name: z.string().min(1) }));
const indicatorFile = z.array(z.object({ key: z.string().min(1), name: z.string().min(1), content: z.unknown() }));

type TemplateKind = 'process' | 'form' | 'indicator' | 'entityType' | 'deviceType' | 'alarmRule';

function templateDefinitions(): { kind: TemplateKind; key: string; name: string; content: unknown }[] {
  const listed = (folder: string, extension: 'bpmn' | 'json') =>
    templateList(extension).parse(JSON.parse(readFileSync(join(TEMPLATE_DIR, folder, 'index.json'), 'utf8')))
      .map((entry) => ({ ...entry, text: readFileSync(join(TEMPLATE_DIR, folder, entry.file), 'utf8') }));
  return [
    ...listed('forms', 'json').map((f) => ({ kind: 'form' as const, key: f.key, name: f.name, content: JSON.parse(f.text) as unknown })),
    ...listed('processes', 'bpmn').map((p) => ({ kind: 'process' as const, key: p.key, name: p.name, content: { xml: p.text } })),
    // Indicator files hold several definitions each (checked like a saved draft by templates.test.ts).
    ...indicatorFiles.parse(JSON.parse(readFileSync(join(TEMPLATE_DIR, 'indicators', 'index.json'), 'utf8')))
      .flatMap((entry) => indicatorFile.parse(JSON.parse(readFileSync(join(TEMPLATE_DIR, 'indicators', entry.file), 'utf8'))))
      .map((i) => ({ kind: 'indicator' as const, ...i })),
    // Facility and device types of the nine monitoring modules (000 §4.2.4), before anything that names them.
    ...monitoringTemplate('entity-types.json').map((e) => ({ kind: 'entityType' as const, ...e })),
    ...monitoringTemplate('device-types.json').map((e) => ({ kind: 'deviceType' as const, ...e })),
    // Default alarm rules of those device types (checked against them when installed, below).
    ...monitoringTemplate('alarm-rules.json').map((e) => ({ kind: 'alarmRule' as const, ...e })),
  ];
}

function monitoringTemplate(file: string) {
  const path = join(TEMPLATE_DIR, 'monitoring', file);
  return existsSync(path) ? indicatorFile.parse(JSON.parse(readFileSync(path, 'utf8'))) : [];
}

const lngLat = z.tuple([z.number(), z.number()]);
const facilitiesFile = z.array(z.object({
  code: z.string().min(1), name: z.string().min(1), type: z.string().min(1), orgCode: z.string().min(1).optional(), location: lngLat,
  geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(lngLat).min(2) }).optional(),
  attributes: z.record(z.string(), z.unknown()).default({}),
}));
const devicesFile = z.array(z.object({
  code: z.string().min(1), type: z.string().min(1), facilityCode: z.string().min(1), location: lngLat.optional(),
  installedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
}));

const tenantFile = z.object({
  code: z.string().min(1), name: z.string().min(1), nameEn: z.string().optional(), regionCode: z.string().regex(/^\d{6}$/),
  center: z.tuple([z.number(), z.number()]).optional(),
});
const orgFile = z.array(z.object({
  code: z.string().min(1), name: z.string().min(1), nameEn: z.string().optional(), level: z.enum(ORG_LEVELS), kind: z.enum(ORG_KINDS),
  unitType: z.string().optional(), parentCode: z.string().nullable(),
}));
const gridFile = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({
    type: z.literal('Feature'),
    properties: z.object({ code: z.string().min(1), name: z.string().min(1), orgCode: z.string().min(1) }),
    geometry: polygonSchema,
  })),
});
const peopleFile = z.array(z.object({
  username: z.string().min(1), displayName: z.string().min(1), phone: z.string().optional(),
  memberships: z.array(z.object({ orgCode: z.string(), position: z.enum(POSITIONS), primary: z.boolean().optional() })).min(1),
  roles: z.array(z.string()),
}));
const calendarFile = z.object({
  timeZone: z.string(),
  workingPeriods: z.array(z.object({ start: z.string(), end: z.string() })),
  weekendDays: z.array(z.number().int().min(0).max(6)),
  exceptions: z.array(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), kind: z.enum(['holiday', 'workday']), name: z.string().optional() })),
});

function readJson<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  return readValid(file, schema, JSON.parse(readFileSync(file, 'utf8')));
}

function readValid<S extends z.ZodType>(file: string, schema: S, data: unknown): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new Error(`Seed file ${file} is invalid: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export interface SeedOptions {
  /** Password for seeded accounts (DEMO_PASSWORD). */
  password: string;
}

export interface SeedReport {
  tenantId: string;
  inserted: Record<string, number>;
}

export async function seedCity(app: App, folder: string, options: SeedOptions): Promise<SeedReport> {
  const dir = resolve(SEEDS_DIR, folder);
  const tenant = readJson(join(dir, 'tenant.json'), tenantFile);
  const orgs = readJson(join(dir, 'organisations.json'), orgFile);
  const grids = existsSync(join(dir, 'grids.geojson')) ? readJson(join(dir, 'grids.geojson'), gridFile).features : [];
  const people = readJson(join(dir, 'people.json'), peopleFile);
  const calendar = existsSync(join(dir, 'calendar.json')) ? readJson(join(dir, 'calendar.json'), calendarFile) : undefined;
  const facilities = existsSync(join(dir, 'facilities.json')) ? readJson(join(dir, 'facilities.json'), facilitiesFile) : [];
  const devices = existsSync(join(dir, 'devices.json')) ? readJson(join(dir, 'devices.json'), devicesFile) : [];
  const dictDir = join(dir, 'dictionaries');
  const dictionaries = existsSync(dictDir)
    ? readdirSync(dictDir).filter((f) => f.endsWith('.csv')).sort().map((f) => ({ key: basename(f, '.csv'), content: readValid(join(dictDir, f), dictionaryContentSchema, { items: parseDictionaryCsv(readFileSync(join(dictDir, f), 'utf8')) }) }))
    : [];
  // One hash for everybody keeps seeding fast; each account still gets its own salt on password change.
  const passwordHash = await hashPassword(options.password);

  const { db } = app;
  const t = db.t;
  const now = app.now();
  const inserted: Record<string, number> = {};
  const count = (what: string, n: number) => { inserted[what] = (inserted[what] ?? 0) + n; };

  const tenantId = await db.transaction(async (tx) => {
    let [tenantRow] = await tx.select().from(t.tenants).where(eq(t.tenants.code, tenant.code));
    if (!tenantRow) {
      tenantRow = { id: newId(), code: tenant.code, name: tenant.name, nameEn: tenant.nameEn ?? null, regionCode: tenant.regionCode, center: tenant.center ?? null, createdAt: now };
      await tx.insert(t.tenants).values(tenantRow);
      count('tenants', 1);
    }
    const tid = tenantRow.id;

    const existingOrgs = new Map((await tx.select().from(t.organisations).where(eq(t.organisations.tenantId, tid))).map((o) => [o.code, o]));
    const pending = [...orgs];
    // Parents first: repeat passes until every node is placed (fails on dangling parents).
    while (pending.length) {
      const before = pending.length;
      for (let i = 0; i < pending.length; i++) {
        const o = pending[i];
        const parent = o.parentCode ? existingOrgs.get(o.parentCode) : undefined;
        if (o.parentCode && !parent) continue;
        pending.splice(i--, 1);
        if (existingOrgs.has(o.code)) continue;
        const id = newId();
        const row = {
          id, tenantId: tid, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/`, code: o.code, name: o.name,
          nameEn: o.nameEn ?? null, level: o.level, kind: o.kind, unitType: o.unitType ?? null, sort: existingOrgs.size, createdAt: now, updatedAt: now,
        };
        await tx.insert(t.organisations).values(row);
        existingOrgs.set(o.code, row);
        count('organisations', 1);
      }
      if (pending.length === before) throw new Error(`Seed ${folder}: unknown parentCode for ${pending.map((p) => p.code).join(', ')}`);
    }

    const existingGrids = new Set((await tx.select({ code: t.grids.code }).from(t.grids).where(eq(t.grids.tenantId, tid))).map((g) => g.code));
    for (const f of grids) {
      if (existingGrids.has(f.properties.code)) continue;
      const org = existingOrgs.get(f.properties.orgCode);
      if (!org) throw new Error(`Seed ${folder}: grid ${f.properties.code} names unknown org ${f.properties.orgCode}`);
      await tx.insert(t.grids).values({
        id: newId(), tenantId: tid, orgId: org.id, code: f.properties.code, name: f.properties.name, geometry: f.geometry, bbox: bboxOf(f.geometry), createdAt: now, updatedAt: now,
      });
      count('grids', 1);
    }

    const { ids: roleIds, created: createdRoles } = await ensureBuiltinRoles(db, tx, tid, now);
    if (createdRoles.length) count('roles', createdRoles.length);

    for (const person of people) {
      const [existing] = await tx.select({ id: t.users.id }).from(t.users).where(eq(t.users.username, person.username));
      if (existing) continue;
      const id = newId();
      await tx.insert(t.users).values({
        id, tenantId: tid, username: person.username, displayName: person.displayName, phone: person.phone ?? null,
        passwordHash, passwordChangedAt: now, createdAt: now, updatedAt: now,
      });
      for (const m of person.memberships) {
        const org = existingOrgs.get(m.orgCode);
        if (!org) throw new Error(`Seed ${folder}: ${person.username} names unknown org ${m.orgCode}`);
        await tx.insert(t.memberships).values({ tenantId: tid, userId: id, orgId: org.id, position: m.position, primary: m.primary ?? false });
      }
      for (const code of person.roles) {
        const roleId = roleIds.get(code);
        if (!roleId) throw new Error(`Seed ${folder}: ${person.username} names unknown role ${code}`);
        await tx.insert(t.userRoles).values({ tenantId: tid, userId: id, roleId });
      }
      count('users', 1);
    }

    if (calendar) {
      const [param] = await tx.select().from(t.parameters).where(and(eq(t.parameters.tenantId, tid), eq(t.parameters.key, 'calendar.workingTime')));
      if (!param) {
        await tx.insert(t.parameters).values({
          tenantId: tid, key: 'calendar.workingTime', value: { timeZone: calendar.timeZone, workingPeriods: calendar.workingPeriods, weekendDays: calendar.weekendDays }, updatedAt: now,
        });
      }
      const days = new Set((await tx.select({ date: t.calendarDays.date }).from(t.calendarDays).where(eq(t.calendarDays.tenantId, tid))).map((d) => d.date));
      for (const ex of calendar.exceptions) {
        if (days.has(ex.date)) continue;
        await tx.insert(t.calendarDays).values({ tenantId: tid, date: ex.date, kind: ex.kind, name: ex.name ?? null });
        count('calendarDays', 1);
      }
    }

    const install = async (kind: 'dictionary' | TemplateKind, key: string, name: string, content: unknown) => {
      const [existing] = await tx.select({ id: t.definitions.id }).from(t.definitions)
        .where(and(eq(t.definitions.tenantId, tid), eq(t.definitions.kind, kind), eq(t.definitions.key, key)));
      if (existing) return;
      if (kind === 'alarmRule') await assertTemplateAlarmRule(app, tx, tid, key, content);
      const id = newId();
      await tx.insert(t.definitions).values({
        id, tenantId: tid, kind, key, version: 1, status: 'published', name, content,
        checksum: contentChecksum(content), comment: 'seed', createdBy: 'seed', createdAt: now, updatedAt: now,
        publishedAt: now, publishedBy: 'seed',
      });
      // What publishing does beyond the row: a template process with a timer start gets its schedule.
      if (kind === 'process') await scheduleStartTimers(app, tx, { id, tenantId: tid, key, content });
      count({ dictionary: 'dictionaries', form: 'forms', process: 'processes', indicator: 'indicators', entityType: 'facilityTypes', deviceType: 'deviceTypes', alarmRule: 'alarmRules' }[kind], 1);
    };
    for (const dict of dictionaries) await install('dictionary', dict.key, dict.key, dict.content);
    // The standard case process and its forms every city starts with (templates/five-domains);
    // forms first, so the process's tasks find the versions they pin. Cities adapt both as new versions.
    for (const definition of templateDefinitions()) await install(definition.kind, definition.key, definition.name, definition.content);

    if (facilities.length || devices.length) await seedMonitoring(tx, app, tid, folder, { facilities, devices, orgs: existingOrgs, now, count });

    if (Object.keys(inserted).length) {
      await recordAudit(db, tx, { tenantId: tid, actorId: null, actorName: 'seed', action: 'import', objectType: 'tenant', objectId: tid, detail: { folder, inserted } }, { ip: null, userAgent: null }, now);
    }
    return tid;
  });
  // Alarm evaluation must see the rules just installed.
  app.alarms.invalidate(tenantId);
  return { tenantId, inserted };
}

/** A template alarm rule must check against the city's types, roles and processes as a saved draft would (a broken template fails the seed). */
async function assertTemplateAlarmRule(app: App, tx: Db, tenantId: string, key: string, content: unknown): Promise<void> {
  const parsed = alarmRuleContentSchema.safeParse(content);
  const issues = parsed.success ? await alarmRuleIssues(app, tx, tenantId, parsed.data, 'en') : parsed.error.issues;
  if (issues.length) throw new Error(`Template alarm rule ${key} is invalid: ${issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/**
 * The demo city's facilities and the devices on them. Grid and district come from each location
 * (point in the seeded grids' polygons); attributes are checked against the facility type.
 */
async function seedMonitoring(tx: Db, app: App, tenantId: string, folder: string, input: {
  facilities: z.output<typeof facilitiesFile>; devices: z.output<typeof devicesFile>;
  orgs: Map<string, { id: string; path: string; level: string }>; now: Date; count: (what: string, n: number) => void;
}): Promise<void> {
  const t = app.db.t;
  const types = await monitoringTypes(app, tenantId, tx);
  const grids = await tx.select({ id: t.grids.id, orgId: t.grids.orgId, code: t.grids.code, geometry: t.grids.geometry }).from(t.grids).where(eq(t.grids.tenantId, tenantId));
  grids.sort((a, b) => a.code.localeCompare(b.code));
  const orgById = new Map([...input.orgs.values()].map((o) => [o.id, o]));
  const place = (point: [number, number]) => {
    const grid = grids.find((g) => pointInPolygon(point, g.geometry));
    const ancestors = grid ? (orgById.get(grid.orgId)?.path.split('/').filter(Boolean) ?? []) : [];
    return { gridId: grid?.id ?? null, districtOrgId: ancestors.map((id) => orgById.get(id)).find((o) => o?.level === 'district')?.id ?? null };
  };
  const existing = new Map((await tx.select({ id: t.entities.id, code: t.entities.code, lng: t.entities.lng, lat: t.entities.lat, orgId: t.entities.orgId })
    .from(t.entities).where(eq(t.entities.tenantId, tenantId))).map((e) => [e.code, e]));
  for (const f of input.facilities) {
    if (existing.has(f.code)) continue;
    const type = types.facilities.get(f.type);
    if (!type) throw new Error(`Seed ${folder}: facility ${f.code} names unknown type ${f.type}`);
    const problems = checkAttributes(type, f.attributes);
    if (problems.length) throw new Error(`Seed ${folder}: facility ${f.code}: ${problems.map((p) => `${p.key} ${p.message}`).join(', ')}`);
    const org = f.orgCode ? input.orgs.get(f.orgCode) : undefined;
    if (f.orgCode && !org) throw new Error(`Seed ${folder}: facility ${f.code} names unknown org ${f.orgCode}`);
    const row = {
      id: newId(), tenantId, typeKey: f.type, code: f.code, name: f.name, orgId: org?.id ?? null, ...place(f.location), status: 'normal' as const,
      geometry: f.geometry ?? { type: 'Point' as const, coordinates: f.location }, lng: f.location[0], lat: f.location[1], attributes: f.attributes,
      createdAt: input.now, updatedAt: input.now,
    };
    await tx.insert(t.entities).values(row);
    existing.set(f.code, row);
    input.count('facilities', 1);
  }
  const seededDevices = new Set((await tx.select({ code: t.devices.code }).from(t.devices).where(eq(t.devices.tenantId, tenantId))).map((d) => d.code));
  for (const d of input.devices) {
    if (seededDevices.has(d.code)) continue;
    const facility = existing.get(d.facilityCode);
    if (!facility) throw new Error(`Seed ${folder}: device ${d.code} names unknown facility ${d.facilityCode}`);
    if (!types.devices.has(d.type)) throw new Error(`Seed ${folder}: device ${d.code} names unknown type ${d.type}`);
    const location = d.location ?? [facility.lng, facility.lat] as [number, number];
    // No token: an administrator issues one when a real device is connected (the simulator feeds the pipeline directly).
    await tx.insert(t.devices).values({
      id: newId(), tenantId, code: d.code, typeKey: d.type, entityId: facility.id, orgId: facility.orgId, ...place(location), lng: location[0], lat: location[1],
      installedOn: d.installedOn ?? null, status: 'active', tokenHash: null, lastSeenAt: null, createdAt: input.now, updatedAt: input.now,
    });
    input.count('devices', 1);
  }
}
