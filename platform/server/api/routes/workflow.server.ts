import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { completeTaskInput, eventInput, eventOutput, instanceOutput, startInstanceInput, taskOutput, taskQuery } from '../../../shared/schemas/workflow.ts';
import { getProcessInstance, sendEvent, startProcessInstance } from '../../services/process-instances.server.ts';
import { claimTask, completeTask, getTask, listTasks } from '../../services/tasks.server.ts';
import { validateFormData } from '../../services/forms.server.ts';
import { codeSchema } from '../../../shared/schemas/common.ts';

const TASK_RULE = 'A task is open to its assignee; while unclaimed to its candidates (role or position, within the named organisations); and to holders of `administer Process`, the only ones who may work on a task without assignment rules.';

export const workflowRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/process-instances', permission: { action: 'create', subject: 'Process' }, tag: 'workflow',
    summary: 'Start an instance of the latest published version of a process',
    description: 'Runs until the first wait states (user tasks, timers, messages…) in one transaction; they are in the answer.',
    body: startInstanceInput, response: instanceOutput, status: 201, errors: [400, 401, 403, 404, 422],
    handler: ({ app, actor, body }) => startProcessInstance(app, actor, body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/process-instances/{id}', permission: { action: 'read', subject: 'Process' }, tag: 'workflow',
    summary: 'State, variables, activity history (element ids and times) and tasks of an instance',
    params: idParams, response: instanceOutput, errors: [401, 403, 404],
    handler: ({ app, actor, params }) => getProcessInstance(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/messages', permission: { action: 'administer', subject: 'Process' }, tag: 'workflow',
    summary: 'Send a message into the city\'s processes',
    description: 'Delivered to the instance that has waited longest for a message of that name (message catch event, receive task, boundary or event sub-process); when none waits, it starts the latest published process with a message start event of that name. One transaction; audited.',
    body: eventInput, response: eventOutput, errors: [400, 401, 403, 422],
    handler: ({ app, actor, body }) => sendEvent(app, actor, 'message', body),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/signals', permission: { action: 'administer', subject: 'Process' }, tag: 'workflow',
    summary: 'Throw a signal to the city\'s processes',
    description: 'Every instance waiting for the signal hears it, and every latest published process with a signal start event of that name starts. One transaction; audited.',
    body: eventInput, response: eventOutput, errors: [400, 401, 403, 422],
    handler: ({ app, actor, body }) => sendEvent(app, actor, 'signal', body),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/tasks', tag: 'workflow', summary: 'The caller\'s tasks: inbox (待办), mine, candidate, done (已办), all (administrators)',
    description: TASK_RULE, query: taskQuery, response: z.array(taskOutput), errors: [401, 403, 422],
    handler: ({ app, actor, query }) => listTasks(app, actor, query),
  }),
  defineRoute({
    method: 'GET', path: '/api/v1/tasks/{id}', tag: 'workflow', summary: 'One task', description: TASK_RULE,
    params: idParams, response: taskOutput, errors: [401, 404],
    handler: ({ app, actor, params }) => getTask(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/tasks/{id}/claim', tag: 'workflow', summary: 'Claim an open task (签收)', description: TASK_RULE,
    params: idParams, response: taskOutput, errors: [401, 404, 409],
    handler: ({ app, actor, params }) => claimTask(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/tasks/{id}/complete', tag: 'workflow', summary: 'Complete a task with variables and/or its form submission',
    description: `${TASK_RULE} The form submission is re-validated against the form version pinned on the task (422 with per-field errors, nothing written). A task completed concurrently by someone else answers 409.`,
    params: idParams, body: completeTaskInput, response: taskOutput, errors: [400, 401, 404, 409, 422],
    handler: ({ app, actor, params, body }) => completeTask(app, actor, params.id, body),
  }),

  defineRoute({
    method: 'POST', path: '/api/v1/forms/{key}/validate', permission: { action: 'read', subject: 'Definition' }, tag: 'workflow',
    summary: 'Validate a submission against the latest published version of a form, as task completion does',
    description: 'The designer\'s preview uses it. 200 with the data the server would keep (unknown keys stripped), or 422 with per-field errors.',
    params: z.object({ key: codeSchema }), body: z.object({ data: z.record(z.string(), z.unknown()) }),
    response: z.object({ data: z.record(z.string(), z.unknown()) }), errors: [401, 403, 404, 422],
    handler: ({ app, actor, params, body }) => validateFormData(app, actor, params.key, body.data),
  }),
];
