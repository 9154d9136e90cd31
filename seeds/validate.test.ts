// Consistency checks for the seed data. Run: npx vitest run seeds --root /work/main
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MONITORING_MODULES, checkAttributes, deviceTypeContentSchema, entityTypeContentSchema } from '@tongguan/runtime/devices/definition';

interface Org { code: string; name: string; nameEn: string; level: string; kind: string; unitType?: string; parentCode: string | null }
interface Person { username: string; displayName: string; phone: string; memberships: { orgCode: string; position: string; primary?: boolean }[]; roles: string[] }
interface Grid { properties: { code: string; name: string; orgCode: string }; geometry: { type: string; coordinates: number[][][] } }

const load = <T>(rel: string): T => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as T;
const csv = (rel: string) => {
  const [header, ...lines] = readFileSync(new URL(rel, import.meta.url), 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])) as Record<string, string>);
};

const POSITIONS = ['inspector', 'intakeOperator', 'shiftLead', 'dispatcher', 'handler', 'leader', 'admin', 'auditor'];
const ROLES = ['cityAdmin', 'auditor', 'districtAdmin', 'commandCenter', 'districtStaff', 'inspector', 'handler', 'leader'];
const LEVELS = ['city', 'district', 'street', 'community', 'department'];
const KINDS = ['admin', 'department', 'responsibleUnit'];
const UNIT_TYPES = ['government', 'utility', 'enterprise', 'street'];

const tenants = ['demo-city', 'other-city'].map((dir) => ({
  dir,
  tenant: load<{ code: string; regionCode: string; center: [number, number] }>(`./${dir}/tenant.json`),
  orgs: load<Org[]>(`./${dir}/organisations.json`),
  people: load<Person[]>(`./${dir}/people.json`),
  grids: load<{ type: string; features: Grid[] }>(`./${dir}/grids.geojson`).features,
}));

const bbox = (g: Grid) => {
  const ring = g.geometry.coordinates[0];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  return { minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
};

describe.each(tenants)('seeds/$dir', ({ tenant, orgs, people, grids }) => {
  const byCode = new Map(orgs.map((o) => [o.code, o]));
  const districtOf = (code: string): string | null => {
    for (let o = byCode.get(code); o; o = o.parentCode ? byCode.get(o.parentCode) : undefined) {
      if (o.level === 'district') return o.code;
    }
    return null;
  };

  it('organisations form one tree rooted at the tenant city', () => {
    expect(new Set(orgs.map((o) => o.code)).size).toBe(orgs.length);
    const roots = orgs.filter((o) => o.parentCode === null);
    expect(roots.map((o) => [o.code, o.level, o.kind])).toEqual([[tenant.code, 'city', 'admin']]);
    for (const o of orgs) {
      expect(o.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(LEVELS).toContain(o.level);
      expect(KINDS).toContain(o.kind);
      if (o.parentCode !== null) expect(byCode.has(o.parentCode), `${o.code} → ${o.parentCode}`).toBe(true);
      if (o.kind === 'responsibleUnit') expect(UNIT_TYPES).toContain(o.unitType);
    }
  });

  it('people reference existing orgs, with unique usernames and known positions/roles', () => {
    expect(new Set(people.map((p) => p.username)).size).toBe(people.length);
    for (const p of people) {
      expect(p.username).toMatch(/^[a-z0-9.]+$/);
      expect(p.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(p.memberships.length).toBeGreaterThan(0);
      expect(p.roles.length).toBeGreaterThanOrEqual(1);
      expect(p.roles.length).toBeLessThanOrEqual(2);
      for (const r of p.roles) expect(ROLES).toContain(r);
      for (const m of p.memberships) {
        expect(byCode.has(m.orgCode), `${p.username} → ${m.orgCode}`).toBe(true);
        expect(POSITIONS).toContain(m.position);
      }
    }
  });

  it('grids are closed, non-overlapping polygons attached to communities', () => {
    expect(new Set(grids.map((g) => g.properties.code)).size).toBe(grids.length);
    for (const g of grids) {
      expect(g.geometry.type).toBe('Polygon');
      expect(g.properties.code).toMatch(/^\d+$/);
      expect(byCode.get(g.properties.orgCode)?.level).toBe('community');
      for (const ring of g.geometry.coordinates) {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[ring.length - 1]).toEqual(ring[0]);
      }
    }
    const boxes = grids.map(bbox);
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
        expect(overlap, `${grids[i].properties.code} overlaps ${grids[j].properties.code}`).toBe(false);
      }
    }
    for (const c of orgs.filter((o) => o.level === 'community')) {
      expect(grids.filter((g) => g.properties.orgCode === c.code).length, c.code).toBeGreaterThanOrEqual(2);
    }
  });

  if (tenant.code !== 'demo') return;

  it('demo city has enough structure and staff', () => {
    expect(orgs.filter((o) => o.level === 'district').length).toBeGreaterThanOrEqual(3);
    expect(orgs.filter((o) => o.kind === 'department' || o.kind === 'responsibleUnit').length).toBeGreaterThanOrEqual(10);
    expect(people.length).toBeGreaterThanOrEqual(30);
    const admins = people.filter((p) => p.username === 'admin');
    expect(admins).toHaveLength(1);
    expect(admins[0].roles).toContain('cityAdmin');
    expect(people.filter((p) => p.username === 'auditor')).toHaveLength(1);
    expect(people.some((p) => new Set(p.memberships.map((m) => m.orgCode)).size > 1)).toBe(true);
  });

  it('every position appears in at least two districts', () => {
    for (const position of POSITIONS) {
      const districts = new Set(
        people.flatMap((p) => p.memberships.filter((m) => m.position === position).map((m) => districtOf(m.orgCode)))
          .filter((d): d is string => d !== null),
      );
      expect(districts.size, position).toBeGreaterThanOrEqual(2);
    }
  });

  it('calendar exceptions are valid dates; make-up workdays fall on weekends', () => {
    const cal = load<{ timeZone: string; weekendDays: number[]; exceptions: { date: string; kind: string; name: string }[] }>('./demo-city/calendar.json');
    expect(cal.timeZone).toBe('Asia/Shanghai');
    expect(new Set(cal.exceptions.map((e) => e.date)).size).toBe(cal.exceptions.length);
    for (const e of cal.exceptions) {
      const day = new Date(`${e.date}T00:00:00Z`);
      expect(day.toISOString().slice(0, 10)).toBe(e.date);
      expect(['holiday', 'workday']).toContain(e.kind);
      if (e.kind === 'workday') expect(cal.weekendDays, e.date).toContain(day.getUTCDay());
    }
  });

  it('dictionaries have unique codes and valid parents', () => {
    for (const file of ['case-categories', 'case-sources', 'unit-types']) {
      const rows = csv(`./demo-city/dictionaries/${file}.csv`);
      const codes = new Set(rows.map((r) => r.code));
      expect(codes.size, file).toBe(rows.length);
      for (const r of rows) {
        expect(Object.keys(r)).toEqual(['code', 'name', 'nameEn', 'parentCode', 'kind', 'standardRef']);
        if (r.parentCode) expect(codes.has(r.parentCode), `${file}: ${r.code}`).toBe(true);
      }
    }
    const cats = csv('./demo-city/dictionaries/case-categories.csv');
    for (const r of cats) {
      expect(r.standardRef).toBe('demo');
      expect(r.code).toMatch(r.kind === 'part' ? /^P\d{2}(\d{3})?$/ : /^E\d{2}(\d{3})?$/);
      expect(Boolean(r.parentCode)).toBe(r.code.length > 3);
    }
    expect(csv('./demo-city/dictionaries/unit-types.csv').map((r) => r.code).sort()).toEqual([...UNIT_TYPES].sort());
  });
});

// The demo city's facilities and devices (formats read by platform/server/seed/seed.server.ts) against the monitoring template.
const lngLat = z.tuple([z.number(), z.number()]);
const facilitiesFile = z.array(z.object({
  code: z.string().regex(/^FAC-[A-Z]+-\d{3}$/),
  name: z.string().min(1),
  type: z.string().min(1),
  orgCode: z.string().min(1),
  location: lngLat,
  geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(lngLat).min(2) }).strict().optional(),
  attributes: z.record(z.string(), z.unknown()),
}).strict());
const devicesFile = z.array(z.object({
  code: z.string().regex(/^DEV-[A-Z]+-[A-Z0-9]+-\d{3}$/),
  type: z.string().min(1),
  facilityCode: z.string().min(1),
  location: lngLat.optional(),
  installedOn: z.string().regex(/^202[3-6]-\d{2}-\d{2}$/),
}).strict());
const templateFile = z.array(z.object({ key: z.string().min(1), name: z.string().min(1), content: z.unknown() }));

/** Ray casting on the outer ring (grids have no holes). */
const insidePolygon = ([x, y]: [number, number], g: Grid) => {
  const ring = g.geometry.coordinates[0];
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
};

describe('seeds/demo-city monitoring', () => {
  const demo = tenants.find((t) => t.dir === 'demo-city')!;
  const orgByCode = new Map(demo.orgs.map((o) => [o.code, o]));
  const districtOf = (code: string): string | null => {
    for (let o = orgByCode.get(code); o; o = o.parentCode ? orgByCode.get(o.parentCode) : undefined) if (o.level === 'district') return o.code;
    return null;
  };
  const gridAt = (p: [number, number]) => demo.grids.find((g) => insidePolygon(p, g));
  const entityTypes = new Map(templateFile.parse(load('../templates/five-domains/monitoring/entity-types.json')).map((e) => [e.key, entityTypeContentSchema.parse(e.content)]));
  const deviceTypes = new Map(templateFile.parse(load('../templates/five-domains/monitoring/device-types.json')).map((d) => [d.key, deviceTypeContentSchema.parse(d.content)]));
  const facilities = facilitiesFile.parse(load('./demo-city/facilities.json'));
  const devices = devicesFile.parse(load('./demo-city/devices.json'));
  const facilityByCode = new Map(facilities.map((f) => [f.code, f]));

  it('facilities and devices parse, with unique codes', () => {
    expect(facilities.length).toBeGreaterThanOrEqual(30);
    expect(devices.length).toBeGreaterThanOrEqual(80);
    expect(new Set(facilities.map((f) => f.code)).size).toBe(facilities.length);
    expect(new Set(devices.map((d) => d.code)).size).toBe(devices.length);
  });

  it('every facility has a template type, attributes passing checkAttributes, and a department or responsible unit as maintainer', () => {
    for (const f of facilities) {
      const type = entityTypes.get(f.type);
      expect(type, `${f.code} → ${f.type}`).toBeDefined();
      expect(checkAttributes(type!, f.attributes), f.code).toEqual([]);
      expect(['department', 'responsibleUnit'], `${f.code} → ${f.orgCode}`).toContain(orgByCode.get(f.orgCode)?.kind);
      if (f.geometry) expect(type!.geometry, f.code).toBe('line');
    }
  });

  it('every facility and device location lies inside a grid; line geometries stay inside the city', () => {
    const xs = demo.grids.flatMap((g) => g.geometry.coordinates[0].map((p) => p[0]));
    const ys = demo.grids.flatMap((g) => g.geometry.coordinates[0].map((p) => p[1]));
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    for (const f of facilities) {
      expect(gridAt(f.location), f.code).toBeDefined();
      for (const [x, y] of f.geometry?.coordinates ?? []) {
        expect(x >= minX && x <= maxX && y >= minY && y <= maxY, `${f.code} [${x}, ${y}]`).toBe(true);
      }
    }
    for (const d of devices) if (d.location) expect(gridAt(d.location), d.code).toBeDefined();
  });

  it('every device names an existing facility whose type its device type allows, installed on a real date', () => {
    for (const d of devices) {
      const type = deviceTypes.get(d.type);
      expect(type, `${d.code} → ${d.type}`).toBeDefined();
      const facility = facilityByCode.get(d.facilityCode);
      expect(facility, `${d.code} → ${d.facilityCode}`).toBeDefined();
      expect(type!.facilityTypes, `${d.code} on ${facility!.type}`).toContain(facility!.type);
      expect(new Date(`${d.installedOn}T00:00:00Z`).toISOString().slice(0, 10), d.code).toBe(d.installedOn);
    }
  });

  it('every monitoring module (000 §4.2.4) has facilities and devices, facilities span all districts, every device type is used twice', () => {
    for (const module of MONITORING_MODULES) {
      expect(facilities.filter((f) => entityTypes.get(f.type)?.module === module).length, module).toBeGreaterThanOrEqual(1);
      expect(devices.filter((d) => deviceTypes.get(d.type)?.module === module).length, module).toBeGreaterThanOrEqual(1);
    }
    const districts = new Set(facilities.map((f) => districtOf(gridAt(f.location)?.properties.orgCode ?? '')));
    expect([...districts].sort()).toEqual(demo.orgs.filter((o) => o.level === 'district').map((o) => o.code).sort());
    for (const key of deviceTypes.keys()) expect(devices.filter((d) => d.type === key).length, key).toBeGreaterThanOrEqual(2);
  });
});

describe('cross-tenant', () => {
  it('org codes, usernames and grid codes do not collide between tenants', () => {
    for (const key of ['orgs', 'people', 'grids'] as const) {
      const ids = tenants.flatMap((t) =>
        key === 'orgs' ? t.orgs.map((o) => o.code) : key === 'people' ? t.people.map((p) => p.username) : t.grids.map((g) => g.properties.code));
      expect(new Set(ids).size, key).toBe(ids.length);
    }
  });
});
