/** A failure told to the operator as it is: one short sentence, no stack trace. */
export class OperatorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const REJECTED_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidSignatureException',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const MISSING_QUEUE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
}

/** True for SQS's "no such queue", whichever protocol spelled it. */
export function isMissingQueue(error: unknown): boolean {
  const { name, code } = (error ?? {}) as SdkError;
  return MISSING_QUEUE.has(name ?? '') || MISSING_QUEUE.has(code ?? '');
}

/**
 * What went wrong, for a person: the AWS SDK's errors mapped to the few causes an operator can
 * act on (no credentials, credentials refused, endpoint unreachable, access denied). `endpoint`
 * names where the calls went. Credentials are never part of the text.
 */
export function explainError(error: unknown, endpoint: string): string {
  if (error instanceof OperatorError) return error.message;
  const { name = '', code = '', message = String(error) } = (error ?? {}) as SdkError;
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return 'No AWS credentials found: the SDK looked for AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared files, SSO, and a container or instance role';
  }
  if (REJECTED_CREDENTIALS.has(name))
    return `SQS refused the credentials (${name}): check AWS_PROFILE or the access key in use`;
  if (NETWORK_CODES.has(code) || name === 'TimeoutError')
    return `Cannot reach the SQS endpoint ${endpoint} (${code || name})`;
  if (ACCESS_DENIED.has(name)) return `Access denied by SQS: ${message}`;
  if (isMissingQueue(error)) return `A queue does not exist: ${message}`;
  if (/region is missing/i.test(message)) return 'No AWS region: set AWS_REGION';
  return `${name || 'Error'}: ${message}`;
}
