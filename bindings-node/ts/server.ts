/**
 * The provider: `Server` exports objects whose methods handle calls. Handlers
 * run on the JS thread (the native side hands each call over through a
 * thread-safe function and awaits the Promise this module returns); they may
 * be sync or async, read the call through `currentCall()` (an
 * AsyncLocalStorage) or their last argument's absence of it, and throw
 * `JavaException` for a Java business exception.
 */

import { AsyncLocalStorage } from 'node:async_hooks'

import { readAnswer } from './answer'
import { methodDecls, type Methods } from './client'
import { DubboClosedError, JavaException, native as errorsNative } from './errors'
import { native } from './native'
import { Reader, Writer, readAttachments, writeAttachments } from './wire'
import type { NativeServer } from '../index'

/** What a handler knows of the call it runs. */
export interface CallContext {
  readonly interface: string
  readonly method: string
  /** The Java parameter types the consumer named (`["int", "java.lang.String"]`). */
  readonly parameterTypes: string[]
  /** True for a generic (`$invoke`) call. */
  readonly generic: boolean
  /** The request's attachments (Java's RpcContext server attachments). */
  readonly attachments: Record<string, unknown>
  /** Response attachments to send back (Java's server response context). */
  readonly responseAttachments: Map<string, unknown>
  setAttachment(key: string, value: unknown): void
}

const calls = new AsyncLocalStorage<CallContext>()

/** The call the running handler serves (throws outside a handler). */
export function currentCall(): CallContext {
  const call = calls.getStore()
  if (!call) throw new Error('currentCall() is only available inside a libdubbo handler')
  return call
}

export interface ServerOptions {
  /** An IP address to listen on (127.0.0.1). */
  host?: string
  /** 0 lets the OS choose (the default). */
  port?: number
  /** Java's `threads`: calls running at once before new ones are refused (200). */
  threads?: number
  payload?: number
  /** How long `shutdown()` drains running calls (ms, 10 s). */
  shutdownTimeout?: number
}

export interface ExportOptions {
  interface: string
  version?: string
  group?: string
  /** Declared methods; a service with none serves every method of `impl`. */
  methods?: Methods
  /** Calls waiting for the JS thread before more are refused (1000). */
  capacity?: number
}

type Impl = object

function ok(value: unknown, attachments: Map<string, unknown>): Buffer {
  const w = new Writer()
  w.u8(0)
  w.message().value(value)
  writeAttachments(w, attachments)
  return Buffer.from(w.done())
}

function failed(message: string): Buffer {
  const w = new Writer()
  w.u8(2)
  w.str(message)
  return Buffer.from(w.done())
}

function exception(e: JavaException): Buffer {
  const w = new Writer()
  w.u8(1)
  w.str(e.javaClass)
  w.optStr(e.javaMessage)
  writeAttachments(w, e.fields)
  return Buffer.from(w.done())
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * A Dubbo provider. It listens from construction and keeps the process alive
 * until `close()` (or `shutdown()`); no handler runs after `close()` returns.
 */
export class Server {
  private inner: NativeServer | undefined
  private readonly ready: Promise<NativeServer>
  private readonly services = new Map<number, Impl>()
  private nextId = 1
  private closed = false

  constructor(options: ServerOptions = {}) {
    const bound = errorsNative(() => native.bindServer(options, (request) => this.dispatch(request)))
    this.ready = bound.then((s) => {
      if (Buffer.isBuffer(s)) {
        readAnswer(s)
        throw new Error('unreachable')
      }
      this.inner = s
      if (this.closed) s.close()
      return s
    })
    // An unobserved failure surfaces at the next `listen()` / `export()`.
    this.ready.catch(() => {})
  }

  /** Resolves once listening. */
  async listen(): Promise<this> {
    await this.ready
    return this
  }

  /** The bound port (after `listen()` or `export()`). */
  get port(): number {
    return this.bound().port
  }

  get host(): string {
    return this.bound().host
  }

  /** `dubbo://host:port`. */
  get url(): string {
    return `dubbo://${this.host}:${this.port}`
  }

  private bound(): NativeServer {
    if (!this.inner) throw new Error('the server is not listening yet: await server.listen()')
    return this.inner
  }

  /** Serves `impl` (an object of sync or async methods) as `options.interface`. */
  async export(impl: Impl, options: ExportOptions): Promise<void> {
    const server = await this.ready
    if (this.closed) throw new DubboClosedError('the server is closed', 'DUBBO_CLOSED')
    const id = this.nextId++
    this.services.set(id, impl)
    errorsNative(() =>
      server.export(id, options.interface, options.version ?? null, options.group ?? null, methodDecls(options.methods), options.capacity ?? null),
    )
  }

  /** Stops serving a service; false if it was not exported. */
  unexport(iface: string, version?: string, group?: string): boolean {
    return this.bound().unexport(iface, version ?? null, group ?? null)
  }

  /** Java's graceful stop: readonly to consumers, running calls drained, then closed. Resolves with the calls cut off. */
  async shutdown(): Promise<number> {
    const server = await this.ready
    const left = readAnswer(await server.shutdown()).value as number
    this.closed = true
    this.services.clear()
    return left
  }

  /** Closes at once; no handler is called after this returns. */
  close(): void {
    this.closed = true
    this.services.clear()
    this.inner?.close()
  }

  /** Runs one call (its bytes from Rust) and answers with bytes; never rejects. */
  private async dispatch(request: Buffer): Promise<Buffer> {
    try {
      const r = new Reader(request)
      const impl = this.services.get(r.u32())
      const iface = r.str()
      const method = r.str()
      const generic = r.u8() === 1
      const parameterTypes: string[] = []
      for (let n = r.u32(); n > 0; n--) parameterTypes.push(r.str())
      const args: unknown[] = []
      const d = r.message()
      for (let n = r.u32(); n > 0; n--) args.push(d.value())
      const attachments = readAttachments(r)
      if (this.closed || !impl) return failed('the server is closed')
      const handler = (impl as Record<string, unknown>)[method]
      if (typeof handler !== 'function' || handler === (Object.prototype as Record<string, unknown>)[method]) {
        return failed(`${iface} has no method ${method} in Node`)
      }
      const responseAttachments = new Map<string, unknown>()
      const context: CallContext = {
        interface: iface,
        method,
        parameterTypes,
        generic,
        attachments,
        responseAttachments,
        setAttachment: (k, v) => void responseAttachments.set(k, v),
      }
      let value: unknown
      try {
        value = await calls.run(context, () => handler.apply(impl, args))
      } catch (e) {
        if (e instanceof JavaException) return exception(e)
        return failed(errorText(e))
      }
      try {
        return ok(value, responseAttachments)
      } catch (e) {
        return failed(`the result cannot be sent to Java: ${errorText(e)}`)
      }
    } catch (e) {
      return failed(`libdubbo could not run the Node handler: ${errorText(e)}`)
    }
  }
}
