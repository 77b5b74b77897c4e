'use strict'
// org.example.Greeter in Node, behaving as the Java peer's GreeterImpl, so that
// the Java consumer's checks hold against a Node provider.
const { java, JavaException, currentCall } = require('libdubbo')

const GREETER = 'org.example.Greeter'

/** Greeter's methods with their Java parameter types (overloads as pairs). */
const METHODS = [
  ['sayHello', ['java.lang.String']],
  ['add', ['int', 'int']],
  ['addBoxed', ['java.lang.Integer', 'java.lang.Integer']],
  ['echoLong', ['long']],
  ['echoDouble', ['double']],
  ['echoFloat', ['float']],
  ['echoBool', ['boolean']],
  ['echoBytes', ['[B']],
  ['echoInts', ['[I']],
  ['echoStrings', ['[Ljava.lang.String;']],
  ['echoList', ['java.util.List']],
  ['echoMap', ['java.util.Map']],
  ['echoSet', ['java.util.Set']],
  ['echoUser', ['org.example.User']],
  ['echoUsers', ['java.util.List']],
  ['echoNode', ['org.example.Node']],
  ['echoDecimal', ['java.math.BigDecimal']],
  ['echoTime', ['java.time.LocalDateTime']],
  ['echoDate', ['java.time.LocalDate']],
  ['echoUtilDate', ['java.util.Date']],
  ['echoEnum', ['org.example.Color']],
  ['wrap', ['org.example.User']],
  ['overloaded', ['java.lang.String']],
  ['overloaded', ['int']],
  ['doNothing', []],
  ['returnNull', []],
  ['fail', ['java.lang.String']],
  ['failRuntime', ['java.lang.String']],
  ['slow', ['int']],
  ['attachment', ['java.lang.String']],
  ['echoString', ['java.lang.String']],
  ['echoPayload', ['org.example.Payload']],
  ['echoResponseAttachment', ['java.lang.String', 'java.lang.String']],
  ['remember', ['java.lang.String']],
  ['recalled', []],
]

const echo = (v) => v

/** Sync handlers, except `slow`, which is async. */
function greeter() {
  let memory = null
  return {
    sayHello: (name) => `Hello ${name}`,
    add: (a, b) => java.int((a + b) | 0), // Java's int arithmetic wraps
    addBoxed: (a, b) => (a == null || b == null ? null : a + b),
    echoLong: (v) => java.long(v),
    echoDouble: (v) => java.double(v),
    echoFloat: (v) => java.float(v),
    echoBool: echo,
    echoBytes: echo,
    echoInts: echo,
    echoStrings: echo,
    echoList: echo,
    echoMap: echo,
    echoSet: echo,
    echoUser: echo,
    echoUsers: echo,
    echoNode: echo,
    echoDecimal: echo,
    echoTime: echo,
    echoDate: echo,
    echoUtilDate: echo,
    echoEnum: echo,
    echoString: echo,
    echoPayload: echo,
    wrap: (user) => java.object('org.example.Response', { code: 200, message: 'ok', data: user }),
    overloaded: (v) => (currentCall().parameterTypes[0] === 'int' ? `int:${v}` : `string:${v}`),
    doNothing: () => undefined,
    returnNull: () => null,
    fail(message) {
      throw new JavaException('org.example.GreeterException', message, { code: 42 })
    },
    failRuntime(message) {
      throw new JavaException('java.lang.IllegalStateException', message)
    },
    async slow(millis) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(Math.max(millis, 0), 10_000)))
      return 'slept'
    },
    attachment: (key) => currentCall().attachments[key] ?? null,
    echoResponseAttachment(key, value) {
      currentCall().setAttachment(key, value)
      return value
    },
    remember(v) {
      memory = v
    },
    recalled: () => memory,
  }
}

async function serve(server, { version, group } = {}) {
  await server.export(greeter(), { interface: GREETER, version, group, methods: METHODS })
}

module.exports = { GREETER, METHODS, greeter, serve }
