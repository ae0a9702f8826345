/**
 * A table name from configuration (`table` or `schema.table`) as a quoted SQL identifier, so it
 * can be put into statement text safely: each part is double-quoted with embedded quotes doubled.
 * Quoted names are case-sensitive, as Postgres stores them (`User` stays `"User"`, as Prisma creates it).
 */
export function quoteQualifiedName(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((part) => part.length === 0 || part.length > 63 || part.includes('\0'))) {
    throw new TypeError(`Invalid table name "${name}": expected "table" or "schema.table", each part 1–63 characters`);
  }
  return parts.map((part) => `"${part.replaceAll('"', '""')}"`).join('.');
}
