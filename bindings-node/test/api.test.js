'use strict'
// The JS API's own behaviour against a Node Greeter: proxies, the wrappers,
// unexport, and what decoded Java objects look like to JS code.
const { after, before, test } = require('node:test')
const assert = require('node:assert/strict')

const { Client, Server, java, JavaDecimal, nativeVersion } = require('libdubbo')
const { GREETER, METHODS, serve } = require('./greeter')

let server
let client
before(async () => {
  server = new Server()
  await serve(server)
  client = new Client(server.url)
})
after(() => {
  client.close()
  server.close()
})

test('a proxy calls the service by method name', async () => {
  const greeter = client.reference(GREETER, { methods: METHODS }).proxy()
  assert.equal(await greeter.sayHello('proxy'), 'Hello proxy')
  assert.equal(await greeter.add(20, 22), 42)
})

test('decoded Java objects keep their class out of JSON and enumeration', async () => {
  const greeter = client.reference(GREETER, { methods: METHODS })
  const user = await greeter.call('echoUser', java.object('org.example.User', { name: 'Eve', age: 3 }))
  assert.deepEqual(Object.keys(user), ['name', 'age'])
  assert.equal(JSON.stringify(user), '{"name":"Eve","age":3}')
  assert.equal(java.classOf(user), 'org.example.User')
  assert.equal(java.classOf({ name: 'plain' }), undefined)
  const again = await greeter.call('echoUser', user) // a decoded object goes back as its class
  assert.equal(java.classOf(again), 'org.example.User')
})

test('wrappers check their ranges', () => {
  assert.throws(() => java.short(40_000), RangeError)
  assert.throws(() => java.byte(-129), RangeError)
  assert.throws(() => java.long(2n ** 63n), RangeError)
  assert.throws(() => java.char('ab'), TypeError)
  assert.equal(java.long('9007199254740993').value, 9007199254740993n)
  assert.equal(String(java.decimal(1.5)), '1.5')
  assert.ok(java.decimal('1e3') instanceof JavaDecimal)
  assert.equal(typeof nativeVersion, 'string')
})

test('class instances with a static javaClass go as that class', async () => {
  class User {
    static javaClass = 'org.example.User'
    constructor(name, age) {
      this.name = name
      this.age = age
    }
  }
  const greeter = client.reference(GREETER, { methods: METHODS })
  const back = await greeter.call('echoUser', new User('Cy', 9))
  assert.equal(java.classOf(back), 'org.example.User')
  assert.equal(back.name, 'Cy')
})

test('unexport stops serving a service', async () => {
  const s = new Server()
  await s.export({ hi: () => 'hi' }, { interface: 'org.example.Hi' })
  const c = new Client(s.url)
  const ref = c.reference('org.example.Hi')
  assert.equal(await ref.call('hi'), 'hi')
  assert.equal(s.unexport('org.example.Hi'), true)
  await assert.rejects(ref.call('hi'), (e) => e.code === 'DUBBO_REMOTE_SERVER')
  c.close()
  s.close()
})
