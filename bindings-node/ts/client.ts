/** The consumer: `Client`, and `Reference`s to remote services. */

import { readAnswer, type Answer } from './answer'
import { native as errorsNative, fromNative } from './errors'
import { native } from './native'
import { Writer, encodeValues, pinOf, writeAttachments } from './wire'
import type { NativeCallOptions, NativeClient, NativeReference, MethodDecl } from '../index'

/** Client settings, in Java Dubbo's names; durations in milliseconds. */
export interface ClientOptions {
  /** `application`: sent to providers as `remote.application`. */
  application?: string
  /** `timeout`: the default per-call deadline (1000 ms). */
  timeout?: number
  /** `connect.timeout` (3000 ms). */
  connectTimeout?: number
  /** `payload`: the largest body sent or accepted (8 MiB). */
  payload?: number
  /** `heartbeat` (60 s). */
  heartbeat?: number
  /** Calls in flight per connection before new ones fail as `DUBBO_OVERLOADED`. */
  maxInFlight?: number
}

/** Methods' Java parameter types: `{add: ["int", "int"]}`, or pairs for overloads. */
export type Methods = Record<string, string[]> | Array<[string, string[]]>

export function methodDecls(methods: Methods | undefined): MethodDecl[] {
  if (!methods) return []
  const pairs = Array.isArray(methods) ? methods : Object.entries(methods)
  return pairs.map(([name, parameterTypes]) => ({ name, parameterTypes }))
}

export interface ReferenceOptions {
  /** Direct provider URLs (`dubbo://host:port`, comma-separated); else the client's. */
  url?: string
  /** Java's parameters by name: `loadbalance`, `cluster`, `retries`, `sayHello.timeout`, ... */
  parameters?: Record<string, string | number>
  version?: string
  group?: string
  /** This reference's timeout (ms). */
  timeout?: number
  methods?: Methods
}

export interface CallOptions {
  /** This call's deadline (ms). */
  timeout?: number
  /** Attachments sent with the call (Java's RpcContext client attachments). */
  attachments?: Record<string, unknown> | Map<string, unknown>
  /** The Java parameter types, when the declared or inferred ones are not right. */
  parameterTypes?: string[]
}

function nativeOptions(options: CallOptions | undefined): NativeCallOptions | undefined {
  if (!options) return undefined
  const out: NativeCallOptions = {}
  if (options.timeout !== undefined) out.timeout = options.timeout
  if (options.parameterTypes) out.parameterTypes = options.parameterTypes
  if (options.attachments) {
    const w = new Writer()
    writeAttachments(w, options.attachments)
    out.attachments = Buffer.from(w.done())
  }
  return out
}

/**
 * Holds the event loop while any call of any client is pending (the native
 * completion function is weak, so that an idle client lets the process exit).
 */
const loop = { pending: 0, timer: setInterval(() => {}, 2 ** 30).unref() }

/** The calls of one client waiting for their answers, by id. */
class Pending {
  private readonly calls = new Map<number, { resolve: (a: Answer) => void; reject: (e: unknown) => void }>()
  private nextId = 0

  /** Starts a call with a fresh id; resolves with its answer. */
  start(send: (id: number) => void): Promise<Answer> {
    return new Promise((resolve, reject) => {
      do this.nextId = (this.nextId + 1) >>> 0
      while (this.calls.has(this.nextId))
      const id = this.nextId
      try {
        send(id)
      } catch (e) {
        return reject(fromNative(e))
      }
      this.calls.set(id, { resolve, reject })
      if (loop.pending++ === 0) loop.timer.ref()
    })
  }

  /** An answer from the native side: the call's id, then its bytes. */
  complete(bytes: Buffer): void {
    const id = bytes.readUInt32LE(0)
    const call = this.calls.get(id)
    if (!call) return
    this.calls.delete(id)
    if (--loop.pending === 0) loop.timer.unref()
    try {
      call.resolve(readAnswer(bytes.subarray(4)))
    } catch (e) {
      call.reject(e)
    }
  }
}

/** A Dubbo consumer: connections are shared by its references. An idle client does not keep the process alive. */
export class Client {
  private readonly inner: NativeClient
  private readonly pending = new Pending()

  constructor(registry?: string | ClientOptions, options?: ClientOptions) {
    if (typeof registry === 'object') {
      options = registry
      registry = undefined
    }
    // A registry address (none: the embedded one), or direct `dubbo://` provider URLs.
    const nativeOptions = { ...(options ?? {}), registry }
    const pending = this.pending
    this.inner = errorsNative(() => new native.NativeClient(nativeOptions, (bytes) => pending.complete(bytes)))
  }

  /** A reference to `iface` (a Java interface name). */
  reference(iface: string, options: ReferenceOptions = {}): Reference {
    const { methods, ...rest } = options
    const inner = errorsNative(() =>
      this.inner.reference(iface, {
        ...rest,
        url: options.url,
        methods: methodDecls(methods),
        parameters: options.parameters && Object.fromEntries(Object.entries(options.parameters).map(([k, v]) => [k, String(v)])),
      }),
    )
    return new Reference(iface, inner, this.pending)
  }

  /** Closes every connection; later calls fail with `DUBBO_CLOSED`. */
  close(): void {
    this.inner.close()
  }
}

/** A remote service. */
export class Reference {
  /** @internal */
  constructor(
    readonly iface: string,
    private readonly inner: NativeReference,
    private readonly pending: Pending,
  ) {}

  /** Calls `method` with `args`; resolves with what it returned. */
  async call(method: string, ...args: unknown[]): Promise<unknown> {
    return (await this.invoke(method, args)).value
  }

  /** `call` with options: a timeout, attachments, parameter types. */
  async callWith(method: string, args: unknown[], options: CallOptions): Promise<unknown> {
    return (await this.invoke(method, args, options)).value
  }

  /** Calls `method`; resolves with the value and the provider's response attachments. */
  async invoke(method: string, args: unknown[] = [], options?: CallOptions): Promise<Answer> {
    const bytes = encodeValues(args)
    const pins = args.map(pinOf)
    const opts = nativeOptions(options)
    return this.pending.start((id) => this.inner.call(id, method, bytes, pins, opts))
  }

  /** Sends `method` expecting no answer (Java's oneway); resolves once it is written. */
  async oneway(method: string, args: unknown[] = [], options?: CallOptions): Promise<void> {
    const bytes = encodeValues(args)
    const pins = args.map(pinOf)
    const opts = nativeOptions(options)
    await this.pending.start((id) => this.inner.oneway(id, method, bytes, pins, opts))
  }

  /**
   * A generic (`$invoke`) call: parameter types by Java name, POJOs as plain
   * objects with a `class` key; the answer comes back generalized (maps).
   */
  async generic(method: string, types: string[], args: unknown[], options?: CallOptions): Promise<unknown> {
    const bytes = encodeValues(args)
    const opts = nativeOptions(options)
    return (await this.pending.start((id) => this.inner.generic(id, method, types, bytes, opts))).value
  }

  /** An object whose methods call the service: `await greeter.sayHello("world")`. */
  proxy<T extends object = Record<string, (...args: unknown[]) => Promise<unknown>>>(): T {
    return new Proxy({} as T, {
      get: (_target, name) => (typeof name === 'string' && name !== 'then' ? (...args: unknown[]) => this.call(name, ...args) : undefined),
    })
  }
}
