/**
 * libdubbo for Node: call Java Dubbo services and serve your own over the
 * dubbo2 protocol, on libdubbo's Rust core.
 *
 * ```ts
 * import { Client, Server, java } from 'libdubbo'
 * const client = new Client('dubbo://127.0.0.1:20880', { timeout: 3000 })
 * const greeter = client.reference('org.example.Greeter', { methods: { add: ['int', 'int'] } })
 * await greeter.call('add', 2, 3)
 * ```
 */

export { Client, Reference, type CallOptions, type ClientOptions, type Methods, type ReferenceOptions } from './client'
export { Server, currentCall, type CallContext, type ExportOptions, type ServerOptions } from './server'
export type { Answer } from './answer'
export { java, JavaDecimal, JavaTyped, classOf, typeOf, type JavaObject } from './java'
export {
  DubboError,
  DubboTimeoutError,
  DubboNoProviderError,
  DubboNetworkError,
  DubboOverloadedError,
  DubboCodecError,
  DubboRemoteException,
  DubboRemoteServerError,
  DubboInvalidArgumentError,
  DubboCancelledError,
  DubboClosedError,
  DubboForkedError,
  DubboPanicError,
  ERROR_CODES,
  JavaException,
} from './errors'

import { native } from './native'
/** The native module's version. */
export const nativeVersion: string = native.nativeVersion()
