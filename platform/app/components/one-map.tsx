/**
 * 一张图: districts' grids, facilities, devices (online / offline / in alarm), active alarms and
 * open cases as vector layers the user switches on and off, over an optional tile basemap. All
 * drawing is vector (circle markers, GeoJSON), so with no basemap the map works with no internet.
 * Stored coordinates are WGS-84 / CGCS2000; over a GCJ-02 basemap (高德, 腾讯) every layer is
 * shifted into GCJ-02 for display (runtime/src/geo/gcj02.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { Alert } from 'antd';
import type * as Leaflet from 'leaflet';
import { displayTransform, type BasemapCoordinates } from '@tongguan/runtime/geo/gcj02';
import { useT } from '../lib/i18n.tsx';
import type { MapGrid } from './grid-map.tsx';
import './grid-map.css';

export type MapSelection = { kind: 'device' | 'facility' | 'case' | 'alarm' | 'grid'; id: string };

export interface MapPointItem { id: string; lng: number; lat: number; label: string }
export interface MapDevice extends MapPointItem { state: 'online' | 'offline' | 'alarm' }
export interface MapAlarm extends MapPointItem { severity: number }

interface Props {
  grids: readonly (MapGrid & { colour?: string })[];
  facilities: readonly MapPointItem[];
  devices: readonly MapDevice[];
  alarms: readonly MapAlarm[];
  cases: readonly MapPointItem[];
  basemapUrl?: string | null;
  coordinates: BasemapCoordinates;
  height: number | string;
  onSelect: (selection: MapSelection) => void;
}

const DEVICE_COLOURS = { online: '#389e0d', offline: '#8c8c8c', alarm: '#cf1322' } as const;
/** 一级~四级 = 红/橙/黄/蓝. */
export const SEVERITY_COLOURS: Record<number, string> = { 1: '#cf1322', 2: '#fa8c16', 3: '#fadb14', 4: '#1677ff' };
const FALLBACK_CENTER: [number, number] = [36.66, 117.0];

interface Loaded {
  L: typeof Leaflet;
  map: Leaflet.Map;
  layers: Record<'grids' | 'facilities' | 'devices' | 'alarms' | 'cases', Leaflet.LayerGroup>;
}

export function OneMap({ grids, facilities, devices, alarms, cases, basemapUrl, coordinates, height, onSelect }: Props) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState(false);
  const select = useRef(onSelect);
  select.current = onSelect;
  const fitted = useRef(false);
  // The layer switcher's labels are read when the map is made; `t` changes identity between renders.
  const label = useRef(t);
  label.current = t;

  useEffect(() => {
    let cancelled = false;
    let map: Leaflet.Map | undefined;
    import('leaflet').then(({ default: L }) => {
      const box = container.current;
      if (cancelled || !box) return;
      const created = L.map(box, { center: FALLBACK_CENTER, zoom: 12, zoomSnap: 0.25, attributionControl: Boolean(basemapUrl), preferCanvas: true });
      if (basemapUrl) L.tileLayer(basemapUrl, { maxZoom: 19 }).addTo(created);
      const layers = {
        grids: L.layerGroup().addTo(created), facilities: L.layerGroup().addTo(created), devices: L.layerGroup().addTo(created),
        cases: L.layerGroup().addTo(created), alarms: L.layerGroup().addTo(created),
      };
      const tr = label.current;
      L.control.layers(undefined, {
        [tr('ui.oneMap.layers.grids')]: layers.grids, [tr('ui.oneMap.layers.facilities')]: layers.facilities, [tr('ui.oneMap.layers.devices')]: layers.devices,
        [tr('ui.oneMap.layers.cases')]: layers.cases, [tr('ui.oneMap.layers.alarms')]: layers.alarms,
      }, { collapsed: !box.clientWidth || box.clientWidth < 600, position: 'topright' }).addTo(created);
      map = created;
      fitted.current = false;
      setLoaded({ L, map: created, layers });
    }, () => setFailed(true));
    return () => {
      cancelled = true;
      map?.remove();
      setLoaded(null);
    };
  }, [basemapUrl]);

  useEffect(() => {
    if (!loaded) return;
    const { L, map, layers } = loaded;
    const { toDisplay } = displayTransform(coordinates);
    const at = (p: { lng: number; lat: number }) => {
      const shown = toDisplay(p);
      return L.latLng(shown.lat, shown.lng);
    };
    for (const layer of Object.values(layers)) layer.clearLayers();
    const bounds = L.latLngBounds([]);
    for (const grid of grids) {
      const ring = grid.geometry.coordinates.map((r) => r.map(([lng, lat]) => at({ lng: lng!, lat: lat! })));
      const polygon = L.polygon(ring, { color: '#1f5fbf', weight: 1, fillColor: grid.colour ?? '#1f5fbf', fillOpacity: grid.colour ? 0.18 : 0.08 });
      polygon.bindTooltip(`${grid.code} ${grid.name}`, { sticky: true });
      polygon.on('click', () => select.current({ kind: 'grid', id: grid.id }));
      polygon.addTo(layers.grids);
      bounds.extend(polygon.getBounds());
    }
    const point = (group: Leaflet.LayerGroup, kind: MapSelection['kind'], item: MapPointItem, style: Leaflet.CircleMarkerOptions) => {
      const marker = L.circleMarker(at(item), style);
      marker.bindTooltip(item.label);
      marker.on('click', () => select.current({ kind, id: item.id }));
      marker.addTo(group);
      bounds.extend(marker.getLatLng());
    };
    for (const f of facilities) point(layers.facilities, 'facility', f, { radius: 6, color: '#0958d9', weight: 1, fillColor: '#69b1ff', fillOpacity: 0.9 });
    for (const d of devices) point(layers.devices, 'device', d, { radius: d.state === 'alarm' ? 7 : 5, color: '#fff', weight: 1, fillColor: DEVICE_COLOURS[d.state], fillOpacity: 1, className: `tg-device tg-device-${d.state}` });
    for (const c of cases) point(layers.cases, 'case', c, { radius: 6, color: '#ad4e00', weight: 1, fillColor: '#ffa940', fillOpacity: 0.95 });
    for (const a of alarms) point(layers.alarms, 'alarm', a, { radius: 12, color: SEVERITY_COLOURS[a.severity] ?? '#cf1322', weight: 3, fillOpacity: 0.15, className: 'tg-alarm' });
    // Fit once; later refreshes keep the user's view.
    if (!fitted.current && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16] });
      fitted.current = true;
    }
  }, [loaded, grids, facilities, devices, alarms, cases, coordinates]);

  if (failed) return <Alert type="warning" showIcon title={t('ui.map.failed')} />;
  return (
    <div ref={container} className="tg-grid-map tg-one-map" data-testid="one-map" data-ready={loaded ? 'true' : 'false'}
      data-devices={devices.length} data-alarms={alarms.length} style={{ height, background: '#f2f4f7', borderRadius: 6 }} />
  );
}
