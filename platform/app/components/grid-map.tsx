/**
 * Unit grids (单元网格) drawn as polygons with their codes. Leaflet touches `window`, so it is
 * loaded only in the browser (dynamic import inside an effect); the server renders an empty box.
 * Without a basemap URL the map is vector only on a light background and works offline.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert } from 'antd';
import type * as Leaflet from 'leaflet';
import { useT } from '../lib/i18n.tsx';
import './grid-map.css';

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
}

interface Loaded {
  L: typeof Leaflet;
  map: Leaflet.Map;
  layer: Leaflet.LayerGroup;
  /** Shows or hides the codes for the current zoom. */
  refreshLabels: () => void;
}

/** Codes are drawn only when a grid is at least this wide on screen (a 14-digit code at 10 px). */
const LABEL_MIN_PX = 80;

/** Where an empty map looks when there is nothing to fit to: the demo city's centre. */
const FALLBACK_CENTER: [number, number] = [36.66, 117.0];

export function GridMap({ grids, basemapUrl, height = 360 }: Props) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState(false);
  /** Bounds of one drawn grid: its width on screen decides whether codes fit. */
  const sample = useRef<Leaflet.LatLngBounds | null>(null);

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
      map = created;
      setLoaded({ L, map: created, layer: L.layerGroup().addTo(created), refreshLabels });
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
      const polygon = L.geoJSON(grid.geometry as GeoJSON.Polygon, { style: { color: '#1f5fbf', weight: 1, fillOpacity: 0.12 } });
      polygon.bindTooltip(grid.code, { permanent: true, direction: 'center', className: 'tg-grid-label' });
      const popup = document.createElement('div');
      popup.textContent = `${grid.code} ${grid.name}`;
      polygon.bindPopup(popup);
      polygon.addTo(layer);
      bounds.extend(polygon.getBounds());
      sample.current ??= polygon.getBounds();
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
    refreshLabels();
  }, [loaded, grids]);

  if (failed) return <Alert type="warning" showIcon title={t('ui.map.failed')} />;
  return (
    <div style={{ position: 'relative' }}>
      <div ref={container} className="tg-grid-map" data-testid="grid-map" style={{ height, background: '#f2f4f7', borderRadius: 6 }} />
      {grids.length === 0 ? (
        <div style={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center', pointerEvents: 'none', color: '#8c8c8c', zIndex: 500 }}>
          {t('ui.map.noGrids')}
        </div>
      ) : null}
    </div>
  );
}
