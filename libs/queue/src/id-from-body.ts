const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The UUID a message body names in `field`, read without decoding the message: for a message that
 * failed to decode, so that its row can still show why it was dead-lettered. Undefined for a body
 * that is not JSON, or names no UUID there.
 */
export function idFromBody(body: string | undefined, field: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  const id = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[field] : undefined;
  return typeof id === 'string' && UUID.test(id) ? id : undefined;
}
