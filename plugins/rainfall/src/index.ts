/**
 * rainfall — the example plugin of plugins/README.md ("write your first plugin"). It contributes
 * a BPMN service task `rainfall.grade` that grades the rain a process variable holds
 * (GB/T 28592-2012), raising the BPMN error `NO_RAINFALL` when the variable is missing, the
 * expression function `RAINFALL_GRADE(mm, window?)` for conditions and formulas, and an
 * endpoint `GET /api/v1/plugins/rainfall/grades` listing the grades.
 */
import { z } from 'zod';
import { BpmnError, definePlugin, exprTypes } from '@tongguan/plugin-sdk';
import { gradeOf, gradesOf } from './grade.ts';

/** The plugin's configuration (PLUGINS_CONFIG → "rainfall"): from which level a grade is a warning. */
const configSchema = z.object({
  warnFromLevel: z.number().int().min(1).max(6).default(4),
}).strict();

/** What a service task's `<tg:config>` holds; checked when the process is published. */
const taskConfig = z.object({
  /** The process variable with the amount in millimetres. */
  variable: z.string().regex(/^[A-Za-z_$][\w$]*$/),
  window: z.enum(['24h', '1h']).default('24h'),
}).strict();

export default definePlugin({
  id: 'rainfall',
  version: '0.1.0',
  platformRange: '^0.1.0',
  kind: ['serviceTask', 'exchange'],
  name: '降水量等级',
  description: 'Grades rainfall per GB/T 28592-2012 in processes (service task rainfall.grade).',
  configSchema,
  setup(ctx) {
    ctx.registerServiceTask({
      type: 'rainfall.grade',
      description: '降水量等级（GB/T 28592-2012）：按流程变量中的降水量（毫米）评定等级',
      configSchema: taskConfig,
      async run({ config, variables }) {
        const amount = variables[config.variable];
        if (typeof amount !== 'number') throw new BpmnError('NO_RAINFALL', `variable ${config.variable} holds no rainfall amount`);
        const grade = gradeOf(amount, config.window);
        return { level: grade.level, name: grade.name, warning: grade.level >= ctx.config.warnFromLevel };
      },
    });
    ctx.registerEndpoint({
      method: 'GET', path: '/grades', auth: 'user', permission: { action: 'read', subject: 'Device' },
      summary: 'The precipitation grades of GB/T 28592-2012 for 24 h and 1 h amounts',
      handle: async () => ({ body: { '24h': gradesOf('24h'), '1h': gradesOf('1h'), warnFromLevel: ctx.config.warnFromLevel } }),
    });
    // Callable from every expression of the platform: gateway conditions, alarm conditions, indicator formulas.
    ctx.registerExpressionFunction({
      name: 'RAINFALL_GRADE',
      description: { 'zh-CN': '降水量等级（GB/T 28592-2012）：0 微量降雨 … 6 特大暴雨；窗口 "24h"（默认）或 "1h"', en: 'Precipitation grade (GB/T 28592-2012): 0 trace … 6 extraordinary rainstorm; window "24h" (default) or "1h"' },
      signatures: [{ params: [{ name: 'millimetres', type: exprTypes.number }, { name: 'window', type: exprTypes.string, optional: true }], returns: exprTypes.number }],
      evaluate: ([amount, window]) => {
        if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) return null;
        return gradeOf(amount, window === '1h' ? '1h' : '24h').level;
      },
    });
    ctx.logger.info(`warnings from level ${ctx.config.warnFromLevel}`);
  },
});
