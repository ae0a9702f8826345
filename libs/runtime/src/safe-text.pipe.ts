import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/**
 * Characters SQS refuses in a message (anything outside #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD
 * #x10000–#x10FFFF: NUL and other control characters, U+FFFE, U+FFFF, lone surrogates), which
 * Postgres' text type refuses too (NUL) or stores only to be refused later by SQS, blocking the
 * order's outbox. Refused where they enter.
 */
const UNSAFE = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Every string of a request's body, query and route parameters (keys too) must be storable and queueable: else 400 naming the field. */
@Injectable()
export class SafeTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const found = findUnsafe(value, metadata.type === 'body' ? '' : (metadata.data ?? metadata.type));
    if (found) {
      throw new BadRequestException(
        `${found.path || metadata.type} contains a character that cannot be stored or queued (U+${found.code}): control characters other than tab and newline, U+FFFE, U+FFFF and unpaired surrogates are not allowed`,
      );
    }
    return value;
  }
}

function findUnsafe(value: unknown, path: string, depth = 0): { path: string; code: string } | undefined {
  if (typeof value === 'string') {
    const match = UNSAFE.exec(value);
    return match ? { path, code: match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0') } : undefined;
  }
  if (typeof value !== 'object' || value === null || depth > 32) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = findUnsafe(key, itemPath, depth + 1) ?? findUnsafe(item, itemPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}
