import { Form, redirect, useActionData, useNavigation, useSearchParams, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from 'react-router';
import { Alert, Button, Card, Input, Typography } from 'antd';
import { z } from 'zod';
import { passwordProvider, createSession, authenticateSession, SESSION_COOKIE } from '../../server/auth/auth.server.ts';
import { AppError, toErrorBody } from '../../server/errors.server.ts';
import { isSameOrigin, readCookie, sessionCookie } from '../../server/http/request.server.ts';
import { metaOf } from '../lib/guard.server.ts';
import { localeOf } from '../lib/locale.server.ts';
import { useT } from '../lib/i18n.tsx';
import { LocaleSwitch } from '../components/locale-switch.tsx';

const loginForm = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  next: z.string().max(500).optional(),
});

export const meta: MetaFunction = () => [{ title: '登录 · 统管' }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
  if (cookie && (await authenticateSession(context.app, cookie))) throw redirect('/');
  return null;
}

/** Only same-site relative paths: never redirect to another origin after login. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export async function action({ request, context }: ActionFunctionArgs) {
  const locale = localeOf(request);
  try {
    if (!isSameOrigin(request)) throw new AppError('csrf_failed');
    const parsed = loginForm.safeParse(Object.fromEntries(await request.formData()));
    if (!parsed.success) throw new AppError('invalid_credentials');
    const meta = metaOf(request, context);
    const user = await passwordProvider.authenticate(context.app, parsed.data, meta);
    const session = await createSession(context.app, user, meta);
    const { config } = context.app;
    return redirect(safeNext(parsed.data.next), {
      headers: { 'Set-Cookie': sessionCookie(SESSION_COOKIE, session.cookieValue, { maxAgeSeconds: Math.floor(config.sessionMaxMs / 1000), secure: config.cookieSecure }) },
    });
  } catch (error) {
    return { error: toErrorBody(error, locale).body.error.message };
  }
}

export default function Login() {
  const t = useT();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== 'idle';
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg,#0b3d91,#1f5fbf)', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={3} style={{ margin: 0 }}>{t('ui.appName')}</Typography.Title>
          <LocaleSwitch />
        </div>
        <Typography.Paragraph type="secondary">{t('ui.appSubtitle')}</Typography.Paragraph>
        {data?.error ? <Alert type="error" title={data.error} showIcon style={{ marginBottom: 16 }} data-testid="login-error" /> : null}
        <Form method="post">
          <input type="hidden" name="next" value={params.get('next') ?? '/'} />
          <label htmlFor="username">{t('ui.login.username')}</label>
          <Input id="username" name="username" autoComplete="username" required style={{ marginBottom: 12 }} />
          <label htmlFor="password">{t('ui.login.password')}</label>
          <Input.Password id="password" name="password" autoComplete="current-password" required style={{ marginBottom: 16 }} />
          <Button type="primary" htmlType="submit" block loading={busy}>{t('ui.login.submit')}</Button>
        </Form>
      </Card>
    </div>
  );
}
