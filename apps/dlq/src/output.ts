import { classOf } from '@discord-backbone/dlq';
import type { DeadLetter } from '@discord-backbone/queue';

/**
 * Text from queues (bodies, error messages, attribute values) without control characters, so a
 * message cannot move the cursor or recolour the operator's terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function preview(text: string, length = 160): string {
  const flat = printable(text);
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** 42s, 4m 12s, 3h 05m, 2d 4h. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const numeric = (cell: string) => /^\d+$/.test(cell);
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          numeric(cell) && column > 0 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Counts as `A 2, B 1`. */
export const counts = (entries: [string, number][]) => entries.map(([name, n]) => `${printable(name)} ${n}`).join(', ');

/** A DLQ message for `--json` and `export`: the reason attributes by name, the body as it is. */
export function deadLetterJson(deadLetter: DeadLetter) {
  return {
    messageId: deadLetter.messageId,
    originalMessageId: deadLetter.originalMessageId,
    errorClass: classOf(deadLetter),
    errorMessage: deadLetter.errorMessage ?? null,
    receiveCount: deadLetter.receiveCount ?? null,
    originalQueue: deadLetter.originalQueue ?? null,
    failedAt: deadLetter.failedAt?.toISOString() ?? null,
    sentAt: deadLetter.sentAt?.toISOString() ?? null,
    traceId: deadLetter.traceId ?? null,
    messageGroupId: deadLetter.messageGroupId ?? null,
    body: deadLetter.body,
  };
}

/** One DLQ message for a person: class, when, why, ids, a body preview. */
export function describeDeadLetter(deadLetter: DeadLetter, now: number): string {
  const at = deadLetter.failedAt ?? deadLetter.sentAt;
  const when = at ? `failed ${at.toISOString()} (${duration(now - at.getTime())} ago)` : 'failed at an unknown time';
  const receives = deadLetter.receiveCount !== undefined ? ` after ${plural(deadLetter.receiveCount, 'receive')}` : '';
  const reason = deadLetter.errorClass
    ? `  ${preview(deadLetter.errorMessage ?? '(no message)', 300)}`
    : "  (no reason attributes: moved by the queue's redrive policy, e.g. a consumer that crashed on it every time)";
  const ids = [
    `message ${deadLetter.messageId}`,
    deadLetter.originalMessageId !== deadLetter.messageId
      ? `original ${printable(deadLetter.originalMessageId)}`
      : undefined,
    deadLetter.messageGroupId !== undefined ? `group ${printable(deadLetter.messageGroupId)}` : undefined,
    deadLetter.traceId ? `trace ${deadLetter.traceId}` : undefined,
  ].filter(Boolean);
  return [
    `${printable(classOf(deadLetter))} · ${when}${receives}`,
    reason,
    `  ${ids.join('  ')}`,
    `  body ${preview(deadLetter.body)}`,
  ].join('\n');
}
