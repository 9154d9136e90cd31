/**
 * 一张图: the city's grids, facilities, devices (online / offline / in alarm), active alarms and
 * open cases on one map, filtered by module and district, with a side panel for what was clicked.
 * Each layer is loaded only when the user may read it; the page refreshes itself every 10 s so
 * an alarm appears within seconds.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link, useRevalidator } from 'react-router';
import { Badge, Card, Col, Descriptions, Drawer, Empty, Grid, Row, Select, Space, Tag, Typography } from 'antd';
import type { Route } from './+types/map';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { can } from '../../server/access/guard.server.ts';
import { listDevices, listFacilities } from '../../server/devices/devices.server.ts';
import { listGrids } from '../../server/services/grids.server.ts';
import { listCases } from '../../server/services/cases.server.ts';
import { listOrganisations } from '../../server/services/organisations.server.ts';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { listMapAlarms } from '../../server/alarms/map.server.ts';
import { MONITORING_MODULES } from '@tongguan/runtime/devices/definition';
import { OneMap, SEVERITY_COLOURS, type MapSelection } from '../components/one-map.tsx';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.map');

const REFRESH_MS = 10_000;
const DISTRICT_COLOURS = ['#1677ff', '#13c2c2', '#722ed1', '#eb2f96', '#52c41a', '#faad14', '#2f54eb', '#a0d911'];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Device');
  const { app } = context;
  const tenantId = actor.principal.tenantId;
  return orRespond(actor.locale, async () => {
    const [devices, facilities, grids, cases, organisations, alarms, basemapUrl, coordinates] = await Promise.all([
      listDevices(app, actor, { limit: 5000 }),
      can(actor, 'read', 'Facility') ? listFacilities(app, actor, { limit: 5000 }) : { items: [] },
      can(actor, 'read', 'Grid') ? listGrids(app, actor) : [],
      can(actor, 'read', 'Case') ? listCases(app, actor, { limit: 500 }) : { items: [] },
      listOrganisations(app, actor),
      listMapAlarms(app, actor),
      getParameterValue(app, tenantId, 'map.basemapUrl'),
      getParameterValue(app, tenantId, 'map.basemapCoordinates'),
    ]);
    const districts = organisations.filter((o) => o.level === 'district').map((o) => ({ id: o.id, name: o.name, path: o.path }));
    const byId = new Map(organisations.map((o) => [o.id, o]));
    const districtOfOrg = (orgId: string) => districts.find((d) => byId.get(orgId)?.path.startsWith(d.path))?.id ?? null;
    return {
      basemapUrl, coordinates, districts,
      grids: grids.map((g) => ({ id: g.id, code: g.code, name: g.name, geometry: g.geometry, districtOrgId: districtOfOrg(g.orgId) })),
      facilities: facilities.items.map((f) => ({ id: f.id, code: f.code, name: f.name, typeName: f.typeName, module: f.module, districtOrgId: f.districtOrgId, lng: f.lng, lat: f.lat, attributes: f.attributes })),
      devices: devices.items.map((d) => ({ id: d.id, code: d.code, typeName: d.typeName, module: d.module, districtOrgId: d.districtOrgId, facilityId: d.facilityId, lng: d.lng, lat: d.lat, online: d.online, status: d.status, lastSeenAt: d.lastSeenAt, latest: d.latest })),
      cases: cases.items.filter((c) => c.location && c.status !== 'closed' && c.status !== 'voided')
        .map((c) => ({ id: c.id, caseNumber: c.caseNumber, title: c.title, status: c.status, overdue: c.overdue, districtOrgId: c.districtOrgId, lng: c.location!.lng, lat: c.location!.lat, reportedAt: c.reportedAt })),
      alarms,
    };
  });
}

type Data = Route.ComponentProps['loaderData'];

export default function OneMapPage({ loaderData }: Route.ComponentProps) {
  const data = loaderData as Data;
  const t = useT();
  const fmt = useDateFormat();
  const screens = Grid.useBreakpoint();
  const { revalidate } = useRevalidator();
  const [module, setModule] = useState<string | undefined>();
  const [district, setDistrict] = useState<string | undefined>();
  const [selection, setSelection] = useState<MapSelection | null>(null);

  useEffect(() => {
    const timer = setInterval(() => { if (document.visibilityState === 'visible') void revalidate(); }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidate]);

  const inDistrict = (d: string | null) => !district || d === district;
  const colourOf = useMemo(() => new Map(data.districts.map((d, i) => [d.id, DISTRICT_COLOURS[i % DISTRICT_COLOURS.length]!])), [data.districts]);
  const alarmed = useMemo(() => new Set(data.alarms.map((a) => a.deviceId).filter(Boolean)), [data.alarms]);
  const view = useMemo(() => ({
    grids: data.grids.filter((g) => inDistrict(g.districtOrgId)).map((g) => ({ ...g, colour: g.districtOrgId ? colourOf.get(g.districtOrgId) : undefined })),
    facilities: data.facilities.filter((f) => inDistrict(f.districtOrgId) && (!module || f.module === module)).map((f) => ({ id: f.id, lng: f.lng, lat: f.lat, label: `${f.name}（${f.typeName ?? ''}）` })),
    devices: data.devices.filter((d) => inDistrict(d.districtOrgId) && (!module || d.module === module))
      .map((d) => ({ id: d.id, lng: d.lng, lat: d.lat, label: `${d.code} ${d.typeName ?? ''}`, state: alarmed.has(d.id) ? 'alarm' as const : d.online ? 'online' as const : 'offline' as const })),
    alarms: data.alarms.filter((a) => inDistrict(a.districtOrgId) && (!module || a.module === module)).map((a) => ({ id: a.id, lng: a.lng, lat: a.lat, severity: a.severity, label: `${a.ruleName} · ${a.sourceCode}` })),
    cases: module ? [] : data.cases.filter((c) => inDistrict(c.districtOrgId)).map((c) => ({ id: c.id, lng: c.lng, lat: c.lat, label: `${c.caseNumber} ${c.title}` })),
  }), [data, module, district, colourOf, alarmed]);

  const counts = { online: view.devices.filter((d) => d.state === 'online').length, offline: view.devices.filter((d) => d.state === 'offline').length, alarm: view.devices.filter((d) => d.state === 'alarm').length };
  const panel = <SelectionPanel data={data} selection={selection} fmt={fmt} />;
  const wide = screens.lg;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="map-page">
      <Card size="small" title={t('ui.nav.map')} extra={(
        <Space wrap>
          <Select allowClear placeholder={t('ui.oneMap.module')} style={{ width: 150 }} value={module} onChange={setModule} data-testid="map-module"
            options={MONITORING_MODULES.map((m) => ({ value: m, label: t(`ui.modules.${m}`) }))} />
          <Select allowClear placeholder={t('ui.oneMap.district')} style={{ width: 150 }} value={district} onChange={setDistrict} data-testid="map-district"
            options={data.districts.map((d) => ({ value: d.id, label: d.name }))} />
        </Space>
      )}>
        <Space wrap size="middle" data-testid="map-legend">
          <span><Badge color="#389e0d" />{t('ui.oneMap.online')} {counts.online}</span>
          <span><Badge color="#8c8c8c" />{t('ui.oneMap.offline')} {counts.offline}</span>
          <span><Badge color="#cf1322" />{t('ui.oneMap.inAlarm')} {counts.alarm}</span>
          <span data-testid="map-alarm-count"><Badge color="#cf1322" status="processing" />{t('ui.oneMap.layers.alarms')} {view.alarms.length}</span>
          <span><Badge color="#ffa940" />{t('ui.oneMap.layers.cases')} {view.cases.length}</span>
          <Typography.Text type="secondary">{t('ui.oneMap.refresh')}</Typography.Text>
        </Space>
      </Card>
      <Row gutter={12}>
        <Col xs={24} lg={17}>
          <OneMap {...view} basemapUrl={data.basemapUrl} coordinates={data.coordinates} height={wide ? 'calc(100vh - 230px)' : 480} onSelect={setSelection} />
        </Col>
        {wide ? <Col lg={7}><Card size="small" title={t('ui.oneMap.details')} data-testid="map-panel">{panel}</Card></Col> : null}
      </Row>
      {!wide ? (
        <Drawer open={Boolean(selection)} placement="bottom" height="55%" onClose={() => setSelection(null)} title={t('ui.oneMap.details')}>
          <div data-testid="map-panel">{panel}</div>
        </Drawer>
      ) : null}
    </Space>
  );
}

function SelectionPanel({ data, selection, fmt }: { data: Data; selection: MapSelection | null; fmt: ReturnType<typeof useDateFormat> }) {
  const t = useT();
  if (!selection) return <Empty description={t('ui.oneMap.pick')} />;
  if (selection.kind === 'device') {
    const d = data.devices.find((x) => x.id === selection.id);
    if (!d) return <Empty />;
    const alarms = data.alarms.filter((a) => a.deviceId === d.id);
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Descriptions size="small" column={1} title={`${d.code} ${d.typeName ?? ''}`}>
          <Descriptions.Item label={t('ui.devices.online')}>{d.online ? <Tag color="green">{t('ui.devices.isOnline')}</Tag> : <Tag>{t('ui.devices.isOffline')}</Tag>}</Descriptions.Item>
          <Descriptions.Item label={t('ui.devices.lastSeen')}>{d.lastSeenAt ? fmt.dateTime(d.lastSeenAt) : '—'}</Descriptions.Item>
          {Object.entries(d.latest).map(([metric, v]) => <Descriptions.Item key={metric} label={metric}>{v.value.toLocaleString('zh-CN')}</Descriptions.Item>)}
        </Descriptions>
        {alarms.map((a) => <AlarmLine key={a.id} alarm={a} />)}
      </Space>
    );
  }
  if (selection.kind === 'facility') {
    const f = data.facilities.find((x) => x.id === selection.id);
    if (!f) return <Empty />;
    const devices = data.devices.filter((d) => d.facilityId === f.id);
    return (
      <Descriptions size="small" column={1} title={f.name}>
        <Descriptions.Item label={t('ui.oneMap.type')}>{f.typeName}</Descriptions.Item>
        <Descriptions.Item label={t('ui.oneMap.code')}>{f.code}</Descriptions.Item>
        {Object.entries(f.attributes).map(([key, value]) => <Descriptions.Item key={key} label={key}>{String(value)}</Descriptions.Item>)}
        <Descriptions.Item label={t('ui.oneMap.layers.devices')}>{devices.map((d) => <Tag key={d.id} color={d.online ? 'green' : undefined}>{d.code}</Tag>)}</Descriptions.Item>
      </Descriptions>
    );
  }
  if (selection.kind === 'case') {
    const c = data.cases.find((x) => x.id === selection.id);
    if (!c) return <Empty />;
    return (
      <Descriptions size="small" column={1} title={<Link to={`/cases/${c.id}`}>{c.caseNumber}</Link>}>
        <Descriptions.Item label={t('ui.oneMap.caseTitle')}>{c.title}</Descriptions.Item>
        <Descriptions.Item label={t('ui.oneMap.status')}>{t(`ui.cases.statuses.${c.status}`)}{c.overdue ? <Tag color="red" style={{ marginLeft: 8 }}>{t('ui.oneMap.overdue')}</Tag> : null}</Descriptions.Item>
        <Descriptions.Item label={t('ui.oneMap.reportedAt')}>{fmt.dateTime(c.reportedAt)}</Descriptions.Item>
      </Descriptions>
    );
  }
  if (selection.kind === 'alarm') {
    const a = data.alarms.find((x) => x.id === selection.id);
    return a ? <AlarmLine alarm={a} /> : <Empty />;
  }
  const g = data.grids.find((x) => x.id === selection.id);
  return g ? <Descriptions size="small" column={1} title={g.name}><Descriptions.Item label={t('ui.oneMap.code')}>{g.code}</Descriptions.Item></Descriptions> : <Empty />;
}

function AlarmLine({ alarm }: { alarm: Data['alarms'][number] }) {
  const t = useT();
  const fmt = useDateFormat();
  return (
    <Card size="small" data-testid="map-alarm" style={{ borderColor: SEVERITY_COLOURS[alarm.severity] }}>
      <Space direction="vertical" size={2}>
        <Space><Tag color={SEVERITY_COLOURS[alarm.severity]}>{t(`ui.oneMap.severities.${alarm.severity}`)}</Tag><Typography.Text strong>{alarm.ruleName}</Typography.Text></Space>
        <Typography.Text>{alarm.sourceCode} · {t(`ui.oneMap.alarmStatuses.${alarm.status}`)}</Typography.Text>
        <Typography.Text type="secondary">{fmt.dateTime(alarm.raisedAt)}</Typography.Text>
        {alarm.caseId ? <Link to={`/cases/${alarm.caseId}`}>{t('ui.oneMap.openCase')}</Link> : null}
      </Space>
    </Card>
  );
}
