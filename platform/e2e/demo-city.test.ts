/**
 * The demo city as `npm start` seeds it (issue 4, "Done when"): five weeks of activity — cases,
 * approved reports, done inspections, telemetry, alarms — so that once the scheduler has run,
 * 指标看板 shows a value on every card of the 36 third-level indicators of 000 table 5.1.5, each of
 * which explains itself on its page.
 */
import { describe, expect, it } from 'vitest';
import { signIn, useBrowserSuite, waitForHydration } from './harness.ts';

const suite = useBrowserSuite({ demoActivity: true });

/** Table 5.1.5's third-level codes (5 first-level groups, 16 second-level, 36 third-level). */
const TABLE_515 = [
  '1-1-1', '1-1-2', '1-1-3', '1-2-1', '1-2-2', '1-2-3', '1-2-4', '1-3-1', '1-3-2', '1-4-1',
  '2-1-1', '2-1-2', '2-1-3', '2-2-1', '2-2-2', '2-2-3', '2-3-1', '2-3-2', '2-3-3',
  '3-1-1', '3-1-2', '3-2-1', '3-3-1', '3-3-2',
  '4-1-1', '4-1-2', '4-2-1',
  '5-1-1', '5-1-2', '5-1-3', '5-2-1', '5-2-2', '5-3-1', '5-4-1', '5-4-2', '5-4-3',
];

describe('browser: the demo city as seeded', () => {
  it('given the demo city with its seeded activity, when the admin opens 指标看板 after the scheduler ran, then every card of table 5.1.5 shows a value', async () => {
    expect(TABLE_515).toHaveLength(36);
    const p = await suite.openPage();
    await signIn(p, 'admin');
    // The scheduler computes 5 s after start; until then the cards say 未计算.
    await expect.poll(async () => {
      await p.goto('/indicators');
      await waitForHydration(p);
      return p.locator('[data-testid="indicator-card"]').evaluateAll((cards, codes) => cards
        .filter((card) => codes.includes(card.getAttribute('data-code') ?? ''))
        .filter((card) => !/暂无数据|未计算/.test(card.textContent ?? '')).length, TABLE_515);
    }, { timeout: 90_000, interval: 3_000 }).toBe(36);
    // One explains itself: 1-2-4 桥梁报警处理完成率 from the seeded bridge alarms.
    await p.locator('[data-testid="indicator-card"][data-code="1-2-4"]').getByRole('link').click();
    await p.waitForURL((url) => url.pathname === '/indicators/1-2-4');
    await waitForHydration(p);
    expect(Number(await p.getByTestId('basis-alarms').innerText())).toBeGreaterThan(0);
    await p.getByTestId('indicator-districts').waitFor();
  });
});
