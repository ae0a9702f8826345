/** An answer; thrown by lookups (404s, 403s) to cut a handler short. */
export class Reply extends Error {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export const discordError = (status: number, code: number, message: string) => new Reply(status, { message, code });
export const unknownChannel = () => discordError(404, 10003, 'Unknown Channel');
export const unknownGuild = () => discordError(404, 10004, 'Unknown Guild');
export const unknownMember = () => discordError(404, 10007, 'Unknown Member');
export const unknownMessage = () => discordError(404, 10008, 'Unknown Message');
export const unknownRole = () => discordError(404, 10011, 'Unknown Role');
export const invalidChannelType = () => discordError(400, 50024, 'Cannot execute action on this channel type');
/** 400 Invalid Form Body, with the field's error when told. */
export const invalidFormBody = (field?: { name: string; code: string; message: string }) =>
  new Reply(400, {
    message: 'Invalid Form Body',
    code: 50035,
    ...(field ? { errors: { [field.name]: { _errors: [{ code: field.code, message: field.message }] } } } : {}),
  });
