'use strict'
// Every error kind reaches JS as a DubboError subclass with a stable `code`;
// Java exceptions carry their class, message, fields and stack.
const { after, before, test } = require('node:test')
const assert = require('node:assert/strict')

const dubbo = require('libdubbo')
const { Client, DubboError, DubboRemoteException, ERROR_CODES, Server, java } = dubbo
const { GREETER, METHODS } = require('./greeter')
const { freePort } = require('./peers')
const { providers } = require('./providers')

let peers
let client
before(async () => {
  peers = await providers()
  client = new Client({ timeout: 5000 })
})
after(async () => {
  client.close()
  await peers.stop()
})

const greeter = (name = 'node', options = {}) => client.reference(GREETER, { url: peers.urls[name], methods: METHODS, ...options })
const each = (f) => async (t) => {
  for (const name of Object.keys(peers.urls)) await t.test(name, () => f(name))
}

const KINDS = ['timeout', 'no_provider', 'network', 'overloaded', 'codec', 'remote_exception', 'remote_server', 'invalid_argument', 'cancelled', 'closed', 'forked', 'panic']

test('every core error kind has its own code and class', () => {
  const native = require('libdubbo/index.js')
  assert.equal(Object.keys(ERROR_CODES).length, KINDS.length)
  const classes = new Set()
  for (const kind of KINDS) {
    const code = `DUBBO_${kind.toUpperCase()}`
    const Class = ERROR_CODES[code]
    assert.ok(Class && Class.prototype instanceof DubboError, code)
    classes.add(Class)
    assert.throws(
      () => require('libdubbo/dist/answer').readAnswer(native.errorForTest(kind)),
      (e) => e instanceof Class && e.code === code && e.message === `a test ${kind} error`,
    )
  }
  assert.equal(classes.size, KINDS.length)
})

test('timeout', each(async (name) => {
  const g = greeter(name)
  await assert.rejects(g.callWith('slow', [3000], { timeout: 200 }), (e) => e instanceof dubbo.DubboTimeoutError && e.code === 'DUBBO_TIMEOUT')
  assert.equal(await g.call('sayHello', 'after'), 'Hello after') // the connection is still good
}))

test('a Java exception carries class, message, fields', each(async (name) => {
  const g = greeter(name)
  await assert.rejects(g.call('fail', 'boom'), (e) => {
    assert.ok(e instanceof DubboRemoteException)
    assert.equal(e.code, 'DUBBO_REMOTE_EXCEPTION')
    assert.equal(e.javaClass, 'org.example.GreeterException')
    assert.equal(e.javaMessage, 'boom')
    assert.equal(e.fields.code, 42)
    return true
  })
  await assert.rejects(g.call('failRuntime', 'bad state'), (e) => e.javaClass === 'java.lang.IllegalStateException')
}))

test("a Java provider's stack trace comes along", async (t) => {
  if (!peers.urls.java) return t.skip('no Java provider')
  await assert.rejects(greeter('java').call('fail', 'x'), (e) => e.javaStack.some((f) => f.includes('GreeterImpl.fail')))
})

test('unknown method and unknown service are server errors with a status', each(async (name) => {
  const missing = client.reference('org.example.Missing', { url: peers.urls[name] })
  await assert.rejects(missing.call('anything'), (e) => e instanceof dubbo.DubboRemoteServerError && e.code === 'DUBBO_REMOTE_SERVER' && typeof e.status === 'number')
  await assert.rejects(greeter(name).call('noSuchMethod', 'x'), (e) => e instanceof DubboError && /noSuchMethod/.test(e.message))
}))

test('no provider', async () => {
  const none = new Client('N/A') // no registry and no URL
  assert.throws(() => none.reference(GREETER), (e) => e instanceof dubbo.DubboNoProviderError && e.code === 'DUBBO_NO_PROVIDER')
  none.close()
  const embedded = new Client() // the embedded registry: nobody serves this
  await assert.rejects(embedded.reference('org.example.NobodyServesThis').callWith('x', [], { timeout: 500 }), (e) => e.code === 'DUBBO_NO_PROVIDER')
  embedded.close()
})

test('connection refused is a network error', async () => {
  const c = new Client(`dubbo://127.0.0.1:${await freePort()}`, { connectTimeout: 2000 })
  await assert.rejects(c.reference(GREETER).callWith('sayHello', ['x'], { timeout: 2000 }), (e) =>
    ['DUBBO_NETWORK', 'DUBBO_TIMEOUT'].includes(e.code),
  )
  c.close()
})

test('an oversized request is refused before sending', each(async (name) => {
  const c = new Client(peers.urls[name], { payload: 4096 })
  const g = c.reference(GREETER, { methods: METHODS })
  await assert.rejects(g.call('echoString', 'x'.repeat(10_000)), (e) => ['DUBBO_CODEC', 'DUBBO_INVALID_ARGUMENT'].includes(e.code))
  assert.equal(await g.call('sayHello', 'small'), 'Hello small')
  c.close()
}))

test('too many calls in flight is overloaded', each(async (name) => {
  const c = new Client(peers.urls[name], { maxInFlight: 1, timeout: 5000 })
  const g = c.reference(GREETER, { methods: METHODS })
  assert.equal(await g.call('sayHello', 'warm'), 'Hello warm')
  const busy = g.call('slow', 500)
  await new Promise((r) => setTimeout(r, 100))
  await assert.rejects(g.call('sayHello', 'one too many'), (e) => e instanceof dubbo.DubboOverloadedError && e.code === 'DUBBO_OVERLOADED')
  await busy
  c.close()
}))

test('calls after close', async () => {
  const c = new Client(peers.urls.node)
  const g = c.reference(GREETER, { methods: METHODS })
  assert.equal(await g.call('sayHello', 'a'), 'Hello a')
  c.close()
  await assert.rejects(g.call('sayHello', 'b'), (e) => e instanceof dubbo.DubboClosedError && e.code === 'DUBBO_CLOSED')
})

test('bad arguments', async () => {
  assert.throws(() => new Client('dubbo://127.0.0.1:1', { timeout: -1 }), dubbo.DubboInvalidArgumentError)
  const c = new Client('dubbo://127.0.0.1:1')
  assert.throws(() => c.reference(GREETER, { methods: { x: [''] } }), dubbo.DubboInvalidArgumentError)
  await assert.rejects(c.reference(GREETER).callWith('x', [], { parameterTypes: ['int'] }), dubbo.DubboInvalidArgumentError)
  c.close()
  assert.throws(() => new Server({ host: 'localhost' }), dubbo.DubboInvalidArgumentError) // an IP address is required
  assert.throws(() => java.int(2 ** 31), RangeError)
  assert.throws(() => java.decimal('NaN'), TypeError)
})

test('a Node handler error reaches the consumer as a RuntimeException', async () => {
  const server = new Server()
  await server.export({ broken() { throw new Error('handler bug') }, bad: () => Symbol('x') }, { interface: 'org.example.Broken' })
  const ref = client.reference('org.example.Broken', { url: server.url })
  await assert.rejects(ref.call('broken'), (e) => e instanceof DubboRemoteException && e.javaClass === 'java.lang.RuntimeException' && /handler bug/.test(e.message))
  await assert.rejects(ref.call('bad'), (e) => e instanceof DubboRemoteException && /cannot be sent to Java/.test(e.message))
  server.close()
})

test('a panic is an error, not a crash', () => {
  const native = require('libdubbo/index.js')
  assert.throws(() => native.panicForTest(), /panic/)
})
