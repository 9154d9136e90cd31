import { Form, useLocation } from 'react-router';
import { Button } from 'antd';
import { useLocale } from '../lib/i18n.tsx';

export function LocaleSwitch() {
  const locale = useLocale();
  const location = useLocation();
  return (
    <Form method="post" action="/locale">
      <input type="hidden" name="locale" value={locale === 'zh-CN' ? 'en' : 'zh-CN'} />
      <input type="hidden" name="back" value={location.pathname + location.search} />
      <Button type="link" htmlType="submit" size="small" data-testid="locale-switch">{locale === 'zh-CN' ? 'English' : '中文'}</Button>
    </Form>
  );
}
