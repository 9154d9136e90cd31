import { type RouteConfig, index, layout, route } from '@react-router/dev/routes';

export default [
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.tsx'),
  route('locale', 'routes/locale.tsx'),
  layout('routes/shell.tsx', [
    index('routes/home.tsx'),
  ]),
] satisfies RouteConfig;
