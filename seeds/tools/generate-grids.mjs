// Regenerates seeds/<tenant>/grids.geojson from seeds/<tenant>/organisations.json.
// Deterministic: same organisations.json + same LAYOUT => byte-identical output.
// Usage: node seeds/tools/generate-grids.mjs
//
// Layout: districts are placed side by side from west to east around the tenant
// centre. Inside a district every street is a column block of 2 × 4 cells and each
// of its communities a 2 × 2 block (4 unit grids). Cells are ~445 m × ~400 m.
// Grids share edges but never overlap. Grid code = regionCode(6) + district(2)
// + street(2) + community(2) + serial(2).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const seedsDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const CELL_LNG = 0.005; // ≈ 446 m at 36.7° N
const CELL_LAT = 0.0036; // ≈ 400 m
const GAP_LNG = 0.004; // strip between districts
const COMMUNITY_COLS = 2;
const COMMUNITY_ROWS = 2;

/** Per tenant: district org code → two-digit district number and north/south offset (degrees). */
const LAYOUT = {
  'demo-city': { 'demo-xl': { no: '02', dLat: -0.002 }, 'demo-dh': { no: '01', dLat: 0 }, 'demo-gx': { no: '03', dLat: 0.003 } },
  'other-city': { 'other-hb': { no: '01', dLat: 0, communityCols: 2, communityRows: 1 } },
};

const round = (n) => Math.round(n * 1e6) / 1e6;
const two = (n) => String(n).padStart(2, '0');

function generate(tenantDir, districtLayout) {
  const tenant = JSON.parse(readFileSync(join(seedsDir, tenantDir, 'tenant.json'), 'utf8'));
  const orgs = JSON.parse(readFileSync(join(seedsDir, tenantDir, 'organisations.json'), 'utf8'));
  const children = (code, level) => orgs.filter((o) => o.parentCode === code && o.level === level);

  const districts = Object.keys(districtLayout).map((code) => {
    const org = orgs.find((o) => o.code === code);
    if (!org) throw new Error(`${tenantDir}: unknown district ${code}`);
    const layout = districtLayout[code];
    const cols = layout.communityCols ?? COMMUNITY_COLS;
    const rows = layout.communityRows ?? COMMUNITY_ROWS;
    const streets = children(code, 'street');
    return { org, layout, cols, rows, streets, width: streets.length * cols * CELL_LNG };
  });
  const totalWidth = districts.reduce((s, d) => s + d.width, 0) + GAP_LNG * (districts.length - 1);
  const [centerLng, centerLat] = tenant.center;

  const features = [];
  let x0 = centerLng - totalWidth / 2;
  for (const d of districts) {
    d.streets.forEach((street, si) => {
      const communities = children(street.code, 'community');
      const height = communities.length * d.rows * CELL_LAT;
      const y0 = centerLat + d.layout.dLat - height / 2;
      communities.forEach((community, ci) => {
        for (let r = 0; r < d.rows; r += 1) {
          for (let c = 0; c < d.cols; c += 1) {
            const serial = two(r * d.cols + c + 1);
            const minX = round(x0 + (si * d.cols + c) * CELL_LNG);
            const maxX = round(x0 + (si * d.cols + c + 1) * CELL_LNG);
            const minY = round(y0 + (ci * d.rows + r) * CELL_LAT);
            const maxY = round(y0 + (ci * d.rows + r + 1) * CELL_LAT);
            features.push({
              type: 'Feature',
              properties: {
                code: `${tenant.regionCode}${d.layout.no}${two(si + 1)}${two(ci + 1)}${serial}`,
                name: `${d.org.name}${street.name}${community.name}${serial}网格`,
                orgCode: community.code,
              },
              // exterior ring counter-clockwise, closed (RFC 7946)
              geometry: { type: 'Polygon', coordinates: [[[minX, minY], [maxX, minY], [maxX, maxY], [minX, maxY], [minX, minY]]] },
            });
          }
        }
      });
    });
    x0 += d.width + GAP_LNG;
  }

  const json = JSON.stringify({ type: 'FeatureCollection', features }, null, 2)
    // keep each [lng, lat] position on one line
    .replace(/\[\s+(-?\d+(?:\.\d+)?),\s+(-?\d+(?:\.\d+)?)\s+\]/g, '[$1, $2]');
  writeFileSync(join(seedsDir, tenantDir, 'grids.geojson'), json + '\n');
  return features.length;
}

for (const [tenantDir, layout] of Object.entries(LAYOUT)) {
  console.log(`${tenantDir}: ${generate(tenantDir, layout)} grids`);
}
