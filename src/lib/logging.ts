/**
 * What the log may say about a request or an error. Paths carry secrets (a personal link's token,
 * a personal code, a phone in the simulator's inbox), and PostgreSQL's errors quote rows (`detail`:
 * `Key (id_number)=(130110…) already exists`) and Drizzle's quote the query's parameters: the log
 * gets the route's pattern, and an error's code and message only.
 */

/** Runs of 11 digits or more (a phone, an ID number) in a message, in case one is quoted. */
const LONG_NUMBER = /\d{11,}[\dXx]?/g;
const masked = (s: string) => s.replace(LONG_NUMBER, '[number]');

interface DatabaseError extends Error {
  code: string;
  severity: string;
}
const isDatabaseError = (e: unknown): e is DatabaseError =>
  e instanceof Error && typeof (e as Partial<DatabaseError>).code === 'string' && typeof (e as Partial<DatabaseError>).severity === 'string';

/** Where an error was thrown, without its message (a Drizzle error's first lines list the parameters). */
const framesOf = (e: Error) => masked((e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).join('\n'));

/**
 * An error as the log keeps it: its type, code, message and where it was thrown. A database error
 * (also one wrapped by Drizzle, whose own message lists the parameters) is logged by PostgreSQL's
 * code and message, with no detail and no query.
 */
export function errorForLog(e: unknown): { type: string; code?: string; message: string; stack: string } {
  if (!(e instanceof Error)) return { type: typeof e, message: masked(String(e)), stack: '' };
  let db: unknown = e;
  for (let i = 0; i < 5 && db instanceof Error && !isDatabaseError(db); i++) db = db.cause;
  if (isDatabaseError(db)) return { type: e.name, code: db.code, message: masked(db.message), stack: framesOf(e) };
  const code = (e as { code?: unknown }).code;
  return { type: e.name, ...(typeof code === 'string' ? { code } : {}), message: masked(e.message), stack: framesOf(e) };
}

/** One line for a plain-text log: `code: message`. */
export function errorLine(e: unknown): string {
  const x = errorForLog(e);
  return x.code ? `${x.code}: ${x.message}` : x.message;
}

interface LoggedRequest {
  id: string;
  method: string;
  url: string;
  routeOptions?: { url?: string };
}

/**
 * A request as the log keeps it: the route's pattern (`/api/v1/mobilization/me/:token`), never the
 * path. A request that matched no route names only its first segment, when that is a plain word
 * (`/r`, `/m`, `/api`), or nothing.
 */
export function requestForLog(req: LoggedRequest) {
  const route = req.routeOptions?.url;
  if (route) return { id: req.id, method: req.method, route };
  const first = req.url.split('?', 1)[0].split('/')[1] ?? '';
  return { id: req.id, method: req.method, route: null, under: /^[a-z][a-z-]{0,19}$/.test(first) ? `/${first}` : '/' };
}

/**
 * Pino's serializers for the app's log: no bodies, no headers, no query strings and no paths (a
 * search may carry a name, a phone or an ID number; a path a token), and errors by code and message.
 */
export const logSerializers = {
  req: requestForLog,
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
  err: errorForLog,
};
