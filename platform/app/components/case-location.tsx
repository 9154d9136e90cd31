/**
 * Where a case is: a tap or click on the map sets the point, 定位 asks the device (GPS). Works
 * as an antd Form field (value / onChange). Coordinates are WGS-84 as the device reports them,
 * the convention of the grids and of the case API.
 */
import { useEffect, useState } from 'react';
import { App, Button, Flex, Typography } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { GridMap, type MapGrid, type MapPoint } from './grid-map.tsx';

interface Props {
  value?: MapPoint | null;
  onChange?: (point: MapPoint | undefined) => void;
  grids: readonly MapGrid[];
  basemapUrl?: string | null;
}

/** About 0.1 m: more digits only repeat the device's noise. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function CaseLocation({ value, onChange, grids, basemapUrl }: Props) {
  const t = useT();
  const { message } = App.useApp();
  const [locating, setLocating] = useState(false);
  // Known only in the browser: the server renders the button enabled, as most devices have GPS.
  const [supported, setSupported] = useState(true);
  useEffect(() => setSupported('geolocation' in navigator), []);

  const set = (point: MapPoint) => onChange?.({ lng: round(point.lng), lat: round(point.lat) });
  const locate = () => {
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        set({ lng: position.coords.longitude, lat: position.coords.latitude });
      },
      (error) => {
        setLocating(false);
        // Denied, no fix, or not a secure (https) page: the map still works.
        void message.warning(t('ui.cases.locateFailed', { reason: error.message }));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  return (
    <div data-testid="case-location">
      <GridMap grids={grids} basemapUrl={basemapUrl} point={value ?? null} onPick={set} height={300} />
      <Flex wrap gap={8} align="center" style={{ marginTop: 8 }}>
        <Button onClick={locate} loading={locating} disabled={!supported} data-testid="case-locate">{t('ui.cases.locate')}</Button>
        {value ? (
          <>
            <Typography.Text type="secondary" data-testid="case-point">{t('ui.cases.point', { lng: value.lng.toFixed(6), lat: value.lat.toFixed(6) })}</Typography.Text>
            <Button type="link" size="small" onClick={() => onChange?.(undefined)}>{t('ui.cases.clearPoint')}</Button>
          </>
        ) : <Typography.Text type="secondary">{t('ui.cases.tapMap')}</Typography.Text>}
      </Flex>
    </div>
  );
}
