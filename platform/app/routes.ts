import { type RouteConfig, index, layout, route } from '@react-router/dev/routes';

export default [
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.tsx'),
  route('locale', 'routes/locale.tsx'),
  layout('routes/shell.tsx', [
    index('routes/home.tsx'),
    route('organisations', 'routes/organisations.tsx'),
    route('users', 'routes/users.tsx'),
    route('roles', 'routes/roles.tsx'),
    route('dictionaries', 'routes/dictionaries.tsx'),
    route('dictionaries/:key', 'routes/dictionary.tsx'),
    route('parameters', 'routes/parameters.tsx'),
    route('calendar', 'routes/calendar.tsx'),
    route('definitions', 'routes/definitions.tsx'),
    route('definitions/:id', 'routes/definition.tsx'),
    route('audit', 'routes/audit.tsx'),
    route('notifications', 'routes/notifications.tsx'),
    route('tasks', 'routes/tasks.tsx'),
    route('tasks/:id', 'routes/task.tsx'),
    route('cases', 'routes/cases.tsx'),
    route('cases/new', 'routes/case-new.tsx'),
    route('cases/:id', 'routes/case.tsx'),
    route('processes/new', 'routes/process-new.tsx'),
    route('processes/:id', 'routes/process.tsx'),
  ]),
] satisfies RouteConfig;
