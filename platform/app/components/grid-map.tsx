/**
 * Unit grids (单元网格) drawn as polygons with their codes, optionally with one point (a case's
 * location) that a tap or click can set. Leaflet touches `window`, so it is loaded only in the
 * browser (dynamic import inside an effect); the server renders an empty box. Without a basemap
 * URL the map is vector only on a light background and works offline; the point is a vector
 * circle, not Leaflet's image marker, for the same reason.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert } from 'antd';
import type * as Leaflet from 'leaflet';
import { displayTransform, type BasemapCoordinates } from '@tongguan/runtime/geo/gcj02';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import './grid-map.css';

export interface MapPoint {
  lng: number;
  lat: number;
}

export interface MapGrid {
  id: string;
  code: string;
  name: string;
  geometry: { type: 'Polygon'; coordinates: number[][][] };
}

interface Props {
  grids: readonly MapGrid[];
  /** Tile URL template ({z}/{x}/{y}); none → vector only. */
  basemapUrl?: string | null;
  height?: number;
  point?: MapPoint | null;
  /** Makes the map a picker: a tap or click anywhere (grids included) sets the point. */
  onPick?: (point: MapPoint) => void;
  /** Per grid id: fill colour and popup text (a choropleth); grids without one keep the default look. */
  fills?: Readonly<Record<string, { color: string; text: string }>>;
  /** The basemap's coordinate system (default: the city's map.basemapCoordinates): over GCJ-02 tiles, grids and the point are shown shifted and taps shifted back. */
  coordinates?: BasemapCoordinates;
}

interface Loaded {
  L: typeof Leaflet;
  map: Leaflet.Map;
  layer: Leaflet.LayerGroup;
  pointLayer: Leaflet.LayerGroup;
  /** Shows or hides the codes for the current zoom. */
  refreshLabels: () => void;
}

/** Codes are drawn only when a grid is at least this wide on screen (a 14-digit code at 10 px). */
const LABEL_MIN_PX = 80;

/** Where an empty map looks when there is nothing to fit to: the demo city's centre. */
const FALLBACK_CENTER: [number, number] = [36.66, 117.0];

/** Zoom for a point shown on its own: a few streets around it. */
const POINT_ZOOM = 16;
const POINT_PANE = 'tgPoint';

export function GridMap({ grids, basemapUrl, height = 360, point = null, onPick, fills, coordinates: given }: Props) {
  const shell = useShell();
  const coordinates = given ?? shell.mapCoordinates;
  const transform = displayTransform(coordinates);
  const shift = useRef(transform);
  shift.current = transform;
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState(false);
  /** Bounds of one drawn grid: its width on screen decides whether codes fit. */
  const sample = useRef<Leaflet.LatLngBounds | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const picking = Boolean(onPick);

  useEffect(() => {
    let cancelled = false;
    let map: Leaflet.Map | undefined;
    import('leaflet').then(({ default: L }) => {
      const box = container.current;
      if (cancelled || !box) return;
      const created = L.map(box, { center: FALLBACK_CENTER, zoom: 12, zoomSnap: 0.25, attributionControl: Boolean(basemapUrl) });
      if (basemapUrl) L.tileLayer(basemapUrl, { maxZoom: 19 }).addTo(created);
      // Codes overlap when a whole district is in view: show them once a grid is large enough.
      const refreshLabels = () => {
        const bounds = sample.current;
        const width = bounds ? created.latLngToContainerPoint(bounds.getNorthEast()).x - created.latLngToContainerPoint(bounds.getSouthWest()).x : 0;
        box.classList.toggle('tg-hide-labels', width < LABEL_MIN_PX);
      };
      created.on('zoomend', refreshLabels);
      created.on('click', (event: Leaflet.LeafletMouseEvent) => pick.current?.(shift.current.fromDisplay({ lng: event.latlng.lng, lat: event.latlng.lat })));
      // The point sits above the grid codes (tooltip pane, 650): a case in a grid's middle would hide under its label.
      created.createPane(POINT_PANE).style.zIndex = '660';
      map = created;
      setLoaded({ L, map: created, layer: L.layerGroup().addTo(created), pointLayer: L.layerGroup().addTo(created), refreshLabels });
    }, () => setFailed(true));
    return () => {
      cancelled = true;
      map?.remove();
      setLoaded(null);
    };
  }, [basemapUrl]);

  useEffect(() => {
    if (!loaded) return;
    const { L, map, layer, refreshLabels } = loaded;
    layer.clearLayers();
    sample.current = null;
    const bounds = L.latLngBounds([]);
    for (const grid of grids) {
      // A picker's grids let taps through to the map (no popups in the way of setting the point).
      const fill = fills?.[grid.id];
      const style = fill ? { color: '#595959', weight: 0.5, fillColor: fill.color, fillOpacity: 0.75 } : { color: '#1f5fbf', weight: 1, fillOpacity: 0.12 };
      const shown = { type: 'Polygon' as const, coordinates: grid.geometry.coordinates.map((ring) => ring.map(([lng, lat]) => { const p = transform.toDisplay({ lng: lng!, lat: lat! }); return [p.lng, p.lat]; })) };
      const polygon = L.geoJSON(shown, { interactive: !picking, style });
      if (!fill) polygon.bindTooltip(grid.code, { permanent: true, direction: 'center', className: 'tg-grid-label' });
      if (!picking) {
        const popup = document.createElement('div');
        popup.textContent = fill ? fill.text : `${grid.code} ${grid.name}`;
        polygon.bindPopup(popup);
      }
      polygon.addTo(layer);
      bounds.extend(polygon.getBounds());
      sample.current ??= polygon.getBounds();
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
    refreshLabels();
  }, [loaded, grids, picking, fills, coordinates]);

  const lng = point?.lng;
  const lat = point?.lat;
  useEffect(() => {
    if (!loaded) return;
    const { L, map, pointLayer } = loaded;
    pointLayer.clearLayers();
    if (lng === undefined || lat === undefined) return;
    const shown = shift.current.toDisplay({ lng, lat });
    const at = L.latLng(shown.lat, shown.lng);
    L.circleMarker(at, { pane: POINT_PANE, radius: 8, color: '#a8071a', weight: 2, fillColor: '#ff4d4f', fillOpacity: 0.9, interactive: false }).addTo(pointLayer);
    // A tap sets a point in view and leaves the map still; a point from elsewhere (GPS, a case) is brought into view.
    if (!map.getBounds().contains(at)) map.setView(at, Math.max(map.getZoom(), POINT_ZOOM));
  }, [loaded, lng, lat, coordinates]);

  if (failed) return <Alert type="warning" showIcon title={t('ui.map.failed')} />;
  return (
    <div style={{ position: 'relative' }}>
      <div ref={container} className={picking ? 'tg-grid-map tg-picking' : 'tg-grid-map'} data-testid="grid-map" data-ready={loaded ? 'true' : 'false'}
        style={{ height, background: '#f2f4f7', borderRadius: 6 }} />
      {grids.length === 0 && !picking && !point ? (
        <div style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center', pointerEvents: 'none', color: '#8c8c8c', zIndex: 500 }}>
          {t('ui.map.noGrids')}
        </div>
      ) : null}
    </div>
  );
}
