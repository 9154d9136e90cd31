import { useLoaderData, type LoaderFunctionArgs } from 'react-router';
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { requireActor } from '../lib/guard.server.ts';
import { useT } from '../lib/i18n.tsx';
import { listOrganisations } from '../../server/services/organisations.server.ts';

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const canOrgs = actor.principal.ability.can('read', 'Organisation');
  const orgs = canOrgs ? await listOrganisations(context.app, actor) : [];
  return {
    displayName: actor.principal.displayName,
    positions: actor.principal.positions,
    orgCount: orgs.length,
    districtCount: orgs.filter((o) => o.level === 'district').length,
  };
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <div>
      <Typography.Title level={4}>{t('ui.home.welcome', { name: data.displayName })}</Typography.Title>
      <Typography.Paragraph type="secondary">{data.positions.map((p) => t(`positions.${p}`)).join('、')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} sm={12} lg={6}><Card><Statistic title={t('ui.home.organisations')} value={data.orgCount} /></Card></Col>
        <Col xs={24} sm={12} lg={6}><Card><Statistic title={t('ui.home.districts')} value={data.districtCount} /></Card></Col>
      </Row>
    </div>
  );
}
