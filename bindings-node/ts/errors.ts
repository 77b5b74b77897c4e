/**
 * One error class per kind of the core (DESIGN "Errors"), each with a stable
 * `code`; `DubboRemoteException` carries the Java exception.
 */

export class DubboError extends Error {
  /** Stable: `DUBBO_TIMEOUT`, `DUBBO_REMOTE_EXCEPTION`, ... */
  readonly code: string
  /** The provider's status, for `DUBBO_REMOTE_SERVER` (e.g. 40 for a service not found). */
  status?: number

  constructor(message: string, code = 'DUBBO_PANIC', options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

export class DubboTimeoutError extends DubboError {}
export class DubboNoProviderError extends DubboError {}
export class DubboNetworkError extends DubboError {}
export class DubboOverloadedError extends DubboError {}
export class DubboCodecError extends DubboError {}
export class DubboRemoteServerError extends DubboError {}
export class DubboInvalidArgumentError extends DubboError {}
export class DubboCancelledError extends DubboError {}
export class DubboClosedError extends DubboError {}
export class DubboForkedError extends DubboError {}
export class DubboPanicError extends DubboError {}

/** A Java exception the provider threw. */
export class DubboRemoteException extends DubboError {
  /** Its Java class (`org.example.GreeterException`). */
  javaClass = ''
  /** `getMessage()`. */
  javaMessage: string | null = null
  /** Its stack trace lines, `class.method(File.java:12)`. */
  javaStack: string[] = []
  /** Its own fields (beyond Throwable's): a business exception's `code`. */
  fields: Record<string, unknown> = {}
}

type ErrorClass = new (message: string, code?: string, options?: { cause?: unknown }) => DubboError

/** Every code the core can report, and its class. */
export const ERROR_CODES: Readonly<Record<string, ErrorClass>> = Object.freeze({
  DUBBO_TIMEOUT: DubboTimeoutError,
  DUBBO_NO_PROVIDER: DubboNoProviderError,
  DUBBO_NETWORK: DubboNetworkError,
  DUBBO_OVERLOADED: DubboOverloadedError,
  DUBBO_CODEC: DubboCodecError,
  DUBBO_REMOTE_EXCEPTION: DubboRemoteException,
  DUBBO_REMOTE_SERVER: DubboRemoteServerError,
  DUBBO_INVALID_ARGUMENT: DubboInvalidArgumentError,
  DUBBO_CANCELLED: DubboCancelledError,
  DUBBO_CLOSED: DubboClosedError,
  DUBBO_FORKED: DubboForkedError,
  DUBBO_PANIC: DubboPanicError,
})

/** The error of `code`. */
export function dubboError(code: string, message: string, options?: { cause?: unknown }): DubboError {
  const Class = ERROR_CODES[code] ?? DubboError
  return new Class(message, code, options)
}

/** A native module error (its `code` set by Rust) as a typed `DubboError`. */
export function fromNative(e: unknown): unknown {
  if (e instanceof DubboError) return e
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code in ERROR_CODES) return dubboError(code, e.message, { cause: e })
    return new DubboInvalidArgumentError(e.message, 'DUBBO_INVALID_ARGUMENT', { cause: e })
  }
  return e
}

/** Runs a native call, re-throwing its error as a `DubboError`. */
export function native<T>(f: () => T): T {
  try {
    return f()
  } catch (e) {
    throw fromNative(e)
  }
}

/**
 * Thrown by a provider handler: reaches the Java consumer as an exception of
 * class `javaClass` (one its interface declares, so that Java catches it by
 * type) with `message` and `fields`. Any other error reaches Java as a
 * `java.lang.RuntimeException` with its message.
 */
export class JavaException extends Error {
  constructor(
    readonly javaClass: string,
    message?: string | null,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message ?? javaClass)
    this.name = 'JavaException'
    this.javaMessage = message ?? null
  }

  /** The message Java sees (`getMessage()`), `null` for none. */
  readonly javaMessage: string | null
}
