/** Reads an answer's bytes: a value with attachments, or a typed error. */

import { DubboError, DubboRemoteException, dubboError } from './errors'
import { Reader } from './wire'

/** Throwable's own fields: not repeated in `fields`. */
const THROWABLE_FIELDS = new Set(['detailMessage', 'cause', 'stackTrace', 'suppressedExceptions'])

export interface Answer {
  value: unknown
  attachments: Record<string, unknown>
}

export function readAnswer(bytes: Buffer): Answer {
  const r = new Reader(bytes)
  if (r.u8() === 0) {
    const value = r.message().value()
    const n = r.u32()
    const attachments: Record<string, unknown> = {}
    for (let i = 0; i < n; i++) {
      const k = r.str()
      attachments[k] = r.message().value()
    }
    return { value, attachments }
  }
  throw readError(r)
}

function readError(r: Reader): DubboError {
  const code = r.str()
  const message = r.str()
  const status = r.i32()
  const error = r.u8() === 1 ? readException(r, message) : dubboError(code, message)
  if (status >= 0) error.status = status
  return error
}

function readException(r: Reader, message: string | null): DubboRemoteException {
  const javaClass = r.str()
  const javaMessage = r.optStr()
  const stack: string[] = []
  for (let n = r.u32(); n > 0; n--) stack.push(r.str())
  const value = r.message(true).value()
  const cause = r.u8() === 1 ? readException(r, null) : undefined
  const text = message ?? (javaMessage == null ? javaClass : `${javaClass}: ${javaMessage}`)
  const e = new DubboRemoteException(text, 'DUBBO_REMOTE_EXCEPTION', cause ? { cause } : undefined)
  e.javaClass = javaClass
  e.javaMessage = javaMessage
  e.javaStack = stack
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!THROWABLE_FIELDS.has(k)) e.fields[k] = v
    }
  }
  return e
}
