/** The consumer: `Client`, and `Reference`s to remote services. */

import { readAnswer, type Answer } from './answer'
import { native as errorsNative } from './errors'
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

/** A Dubbo consumer: connections are shared by its references. An idle client does not keep the process alive. */
export class Client {
  private readonly inner: NativeClient
  private readonly registry: string | undefined

  constructor(registry?: string | ClientOptions, options?: ClientOptions) {
    if (typeof registry === 'object') {
      options = registry
      registry = undefined
    }
    this.registry = registry
    this.inner = errorsNative(() => new native.NativeClient(options ?? null))
  }

  /** A reference to `iface` (a Java interface name). */
  reference(iface: string, options: ReferenceOptions = {}): Reference {
    const { methods, ...rest } = options
    const inner = errorsNative(() =>
      this.inner.reference(iface, { ...rest, url: options.url ?? this.registry, methods: methodDecls(methods) }),
    )
    return new Reference(iface, inner)
  }

  /** Closes every connection; later calls fail with `DUBBO_CLOSED`. */
  close(): void {
    this.inner.close()
  }
}

/** A remote service. */
export class Reference {
  constructor(
    readonly iface: string,
    private readonly inner: NativeReference,
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
    const bytes = errorsNative(() => this.inner.call(method, encodeValues(args), args.map(pinOf), nativeOptions(options)))
    return readAnswer(await bytes)
  }

  /** Sends `method` expecting no answer (Java's oneway); resolves once it is written. */
  async oneway(method: string, args: unknown[] = [], options?: CallOptions): Promise<void> {
    const bytes = errorsNative(() => this.inner.oneway(method, encodeValues(args), args.map(pinOf), nativeOptions(options)))
    readAnswer(await bytes)
  }

  /**
   * A generic (`$invoke`) call: parameter types by Java name, POJOs as plain
   * objects with a `class` key; the answer comes back generalized (maps).
   */
  async generic(method: string, types: string[], args: unknown[], options?: CallOptions): Promise<unknown> {
    const bytes = errorsNative(() => this.inner.generic(method, types, encodeValues(args), nativeOptions(options)))
    return readAnswer(await bytes).value
  }

  /** An object whose methods call the service: `await greeter.sayHello("world")`. */
  proxy<T extends object = Record<string, (...args: unknown[]) => Promise<unknown>>>(): T {
    return new Proxy({} as T, {
      get: (_target, name) => (typeof name === 'string' && name !== 'then' ? (...args: unknown[]) => this.call(name, ...args) : undefined),
    })
  }
}
