/**
 * What a notice says outside the platform: the level as people read it (一级～四级, the colours of
 * the warning levels), the link as an address (a relative page is useless in an SMS — without the
 * deployment's public address there is no link), mobile numbers as gateways take them.
 */
import type { NotifyMessage } from '@tongguan/plugin-sdk';

const SEVERITY_LABELS = { 1: '一级（红色）', 2: '二级（橙色）', 3: '三级（黄色）', 4: '四级（蓝色）' } as const;

export const severityLabel = (severity: NotifyMessage['severity']): string | null => (severity === null ? null : SEVERITY_LABELS[severity]);

/** The absolute address of the notice's page, or null without a public address or a link. */
export function absoluteLink(link: string | null, publicUrl: string | undefined): string | null {
  if (!link || !publicUrl) return null;
  return new URL(link, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).href;
}

/** Digits with an optional leading +, as recorded minus spaces, hyphens and brackets; null when it is not a number one can text. */
export function mobileNumber(phone: string | null): string | null {
  if (!phone) return null;
  const compact = phone.replace(/[\s()-]/g, '');
  return /^\+?\d{5,15}$/.test(compact) ? compact : null;
}

/** Cuts text to at most `bytes` of UTF-8 without splitting a character (WeCom limits content by bytes). */
export function truncateBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > bytes - 3) break;
    out += char;
    used += size;
  }
  return `${out}…`;
}

/** Plain text: the title (an alarm's already names its level), the body, `详情：<address>`. */
export function plainText(message: NotifyMessage, publicUrl: string | undefined): string {
  const link = absoluteLink(message.link, publicUrl);
  return [message.title, message.body, link ? `详情：${link}` : null].filter((line): line is string => Boolean(line)).join('\n');
}

/** WeCom markdown: the title bold, in WeCom's warning colour for 一级/二级; the body quoted; a link to the page. */
export function markdownText(message: NotifyMessage, publicUrl: string | undefined): string {
  const link = absoluteLink(message.link, publicUrl);
  const title = message.severity !== null && message.severity <= 2 ? `<font color="warning">${message.title}</font>` : message.title;
  return [
    `**${title}**`,
    message.body ? message.body.split('\n').map((line) => `> ${line}`).join('\n') : null,
    link ? `[查看详情](${link})` : null,
  ].filter((line): line is string => Boolean(line)).join('\n');
}
