/**
 * Errors are values with a stable code. Services throw AppError; the server maps
 * each code to an HTTP status in one place (src/server/errors.ts).
 */
import { message, type Reason } from './messages.js';

export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'BAD_CREDENTIALS',
  'RATE_LIMITED',
  'UNSUPPORTED_FILE',
  'PAYLOAD_TOO_LARGE',
  'AREA_UNKNOWN',
  'AREA_OUT_OF_SCOPE',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'CALLUP_NOT_DRAFT',
  'WRONG_VILLAGE',
  'TOO_FAR',
  'CHECKIN_POINT_MISSING',
  'DOUBLE_BOOKED',
  'REST_TOO_SHORT',
  'DUTY_TOO_LONG',
  'TUBE_UNKNOWN',
  'TUBE_NOT_SEALED',
  /** the database cannot be reached now (restarting, its connection lost): send the same request again */
  'DATABASE_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly detail?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (why = 'not allowed') => new AppError('FORBIDDEN', why);
/**
 * A value a form refuses: `reason` is a code of lib/messages.ts, whose words (zh-CN or English,
 * `{name}` filled from params) are the problem's detail; the English ones are the error's message.
 */
export const invalid = (field: string, reason: Reason, params: Record<string, unknown> = {}) =>
  new AppError('VALIDATION_FAILED', message(reason, 'en', undefined, params), field, { reason, ...params });


/**
 * A start that cannot go on (a port in use, a database out of reach, a folder the server cannot
 * use), said in one line that tells what to do: the `bastion` command prints its message alone.
 */
export class StartFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartFailure';
  }
}
