'use strict'
// DESIGN.md's type mapping, both ways, through the Greeter's echo methods of a
// Node, a Rust and a Java provider: what Node sends is what comes back.
const { after, before, describe, test } = require('node:test')
const assert = require('node:assert/strict')

const { Client, JavaDecimal, DubboInvalidArgumentError, java } = require('libdubbo')
const { GREETER, METHODS } = require('./greeter')
const { providers } = require('./providers')

let peers
let client
before(async () => {
  peers = await providers()
  client = new Client({ timeout: 10_000 })
})
after(async () => {
  client.close()
  await peers.stop()
})

const CASES = [
  ['echoString', 'plain'],
  ['echoString', 'ünïcödé ✓ 𝄞 emoji 🎉'],
  ['echoString', ''],
  ['echoString', 'x'.repeat(70_000)], // crosses Hessian's string chunk size
  ['echoString', 'lone \ud800 surrogate'],
  ['echoLong', 2n ** 40n],
  ['echoLong', -(2n ** 63n)],
  ['echoLong', 5n],
  ['echoDouble', 3.25],
  ['echoDouble', 0.1], // (-0.0 travels as 0.0: Java's Hessian writes it so)
  ['echoDouble', 2.0 ** 60],
  ['echoBool', true],
  ['echoBool', false],
  ['echoBytes', Buffer.alloc(90_000, 0xab)],
  ['echoList', ['a', 'b', null]],
  ['echoMap', { k: 'v', n: 3, nested: { x: [1, 2] } }],
  ['echoSet', new Set(['a', 'b'])],
  ['echoDecimal', java.decimal('12345678901234567890.000000000123')],
  ['echoDecimal', java.decimal('-0.50')],
  ['echoUtilDate', new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 678))],
]

for (const name of ['node', 'rust', 'java']) {
  describe(`against the ${name} provider`, () => {
    const greeter = () => {
      const url = peers.urls[name]
      return url && client.reference(GREETER, { url, methods: METHODS })
    }

    test('values round-trip', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      for (const [method, value] of CASES) {
        const back = await g.call(method, value)
        assert.deepStrictEqual(back, value, `${method}(${String(value).slice(0, 40)})`)
      }
    })

    test('int and boxed arithmetic; float', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      assert.equal(await g.call('add', 2, 3), 5)
      assert.equal(await g.call('add', 2 ** 31 - 1, 1), -(2 ** 31))
      assert.equal(await g.call('addBoxed', null, 1), null)
      assert.equal(await g.call('addBoxed', 20, 22), 42)
      assert.equal(await g.call('echoFloat', 1.5), 1.5)
      assert.equal(await g.call('echoFloat', java.float(0.25)), 0.25)
      assert.equal(BigInt(await g.call('echoLong', 7)), 7n) // declared long: a small number still goes as a long
    })

    test('typed arrays come back typed', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      const ints = await g.call('echoInts', java.array('int', [1, -2, 2 ** 31 - 1]))
      assert.deepEqual([...ints], [1, -2, 2 ** 31 - 1])
      assert.equal(java.typeOf(ints), '[int')
      const fromTyped = await g.call('echoInts', new Int32Array([4, 5]))
      assert.deepEqual([...fromTyped], [4, 5])
      const strings = await g.call('echoStrings', java.array('java.lang.String', ['a', null, 'c']))
      assert.deepEqual([...strings], ['a', null, 'c'])
      assert.equal(java.typeOf(strings), '[string')
    })

    test('Java objects and enums carry their class', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      const bob = java.object('org.example.User', { name: 'Bob', age: 14 })
      const back = await g.call('echoUser', bob)
      assert.equal(java.classOf(back), 'org.example.User')
      assert.deepEqual({ ...back }, { name: 'Bob', age: 14 })
      const wrapped = await g.call('wrap', java.object('org.example.User', { name: 'Ann', age: 30 }))
      assert.equal(wrapped.$class, 'org.example.Response')
      assert.equal(wrapped.code, 200)
      assert.equal(wrapped.data.name, 'Ann')
      const red = await g.call('echoEnum', java.enum('org.example.Color', 'RED'))
      assert.equal(red.$class, 'org.example.Color')
      assert.equal(red.name, 'RED')
      const d = await g.call('echoDecimal', java.decimal('1.10'))
      assert.ok(d instanceof JavaDecimal)
      assert.equal(String(d), '1.10')
    })

    test('java.time values round-trip as objects with their class', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      if (name !== 'java') return t.skip('only Java makes java.time values to start from')
      // Take a LocalDate from Java's own hands: the Java peer's echoDate of a handle.
      const handle = java.object('com.alibaba.com.caucho.hessian.io.java8.LocalDateHandle', { year: 1999, month: 12, day: 31 })
      const back = await g.call('echoDate', handle)
      assert.equal(java.classOf(back), 'com.alibaba.com.caucho.hessian.io.java8.LocalDateHandle')
      assert.deepEqual({ ...back }, { year: 1999, month: 12, day: 31 })
    })

    test('shared references stay shared, cycles survive', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      const ann = java.object('org.example.User', { name: 'Ann', age: 30 })
      const payload = java.object('org.example.Payload', { id: 'p1', tags: ['t'], owner: ann })
      const users = await g.call('echoUsers', [ann, ann, payload])
      assert.equal(users[0], users[1])
      assert.equal(users[2].owner, users[0])
      const a = java.object('org.example.Node', { name: 'a', next: null })
      const b = java.object('org.example.Node', { name: 'b', next: a })
      a.next = b
      const ring = await g.call('echoNode', a)
      assert.equal(ring.name, 'a')
      assert.equal(ring.next.name, 'b')
      assert.equal(ring.next.next, ring)
      const list = ['x']
      list.push(list)
      const echoed = await g.call('echoList', list)
      assert.equal(echoed[1], echoed)
    })

    test('wrappers pin parameter types when none are declared', async (t) => {
      const url = peers.urls[name]
      if (!url) return t.skip(`no ${name} provider`)
      const loose = client.reference(GREETER, { url })
      assert.equal(await loose.call('add', java.int(40), java.int(2)), 42)
      assert.equal(await loose.callWith('echoLong', [9n], { parameterTypes: ['long'] }), 9n)
      assert.equal(await loose.call('overloaded', java.int(3)), 'int:3')
      assert.equal(await loose.call('overloaded', 'three'), 'string:three')
    })

    test('attachments both ways', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      assert.equal(await g.callWith('attachment', ['trace'], { attachments: { trace: 'abc' } }), 'abc')
      const { value, attachments } = await g.invoke('echoResponseAttachment', ['k', 'v'])
      assert.equal(value, 'v')
      assert.equal(attachments.k, 'v')
    })

    test('64 calls in flight on one connection', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      const replies = await Promise.all(Array.from({ length: 64 }, (_, i) => g.call('sayHello', `n${i}`)))
      replies.forEach((r, i) => assert.equal(r, `Hello n${i}`))
      const slow = await Promise.all(Array.from({ length: 64 }, () => g.call('slow', 50)))
      assert.ok(slow.every((s) => s === 'slept'))
    })

    test('oneway, void, null and generic calls', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      await g.oneway('remember', ['kept'])
      let recalled = null
      for (let i = 0; i < 50 && recalled !== 'kept'; i++) {
        recalled = await g.call('recalled')
        if (recalled !== 'kept') await new Promise((r) => setTimeout(r, 20))
      }
      assert.equal(recalled, 'kept')
      assert.equal(await g.call('doNothing'), null)
      assert.equal(await g.call('returnNull'), null)
      assert.equal(await g.generic('sayHello', ['java.lang.String'], ['generic']), 'Hello generic')
      const user = await g.generic('echoUser', ['org.example.User'], [{ class: 'org.example.User', name: 'Gen', age: 1 }])
      assert.equal(user.name, 'Gen')
    })

    test('a value Java cannot take is an invalid argument', async (t) => {
      const g = greeter()
      if (!g) return t.skip(`no ${name} provider`)
      await assert.rejects(g.call('echoString', Symbol('x')), DubboInvalidArgumentError)
      await assert.rejects(g.call('echoLong', 2n ** 70n), (e) => e instanceof DubboInvalidArgumentError && e.code === 'DUBBO_INVALID_ARGUMENT')
      await assert.rejects(g.call('echoString', () => 1), DubboInvalidArgumentError)
    })
  })
}
