/** Typed failures the UI can tell apart by `code` (and translate). */

/** The command name or its arguments fail the shared schema: nothing was queued. */
export class InvalidCommandError extends Error {
  readonly code = 'invalid_command';
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'InvalidCommandError';
  }
}

/** The operator's role may not send this command (the server would reject it anyway). */
export class ForbiddenCommandError extends Error {
  readonly code = 'forbidden_command';
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenCommandError';
  }
}

export type RequestFailure = 'unreachable' | 'session_expired' | 'no_session' | 'http' | 'protocol' | 'disposed';

/** One sync request failed; `kind` decides what the engine does next. */
export class SyncRequestError extends Error {
  constructor(
    readonly kind: RequestFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SyncRequestError';
  }
}

export type LoginErrorCode = 'invalid_input' | 'bad_credentials' | 'rate_limited' | 'unreachable' | 'server_error' | 'invalid_response';

export class LoginError extends Error {
  constructor(
    readonly code: LoginErrorCode,
    message: string,
    /** For rate_limited: seconds the server asked us to wait, when it said. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'LoginError';
  }
}
