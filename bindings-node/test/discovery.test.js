'use strict'
// Discovery from Node: with no registry given, providers and consumers on one
// machine find each other through the embedded registry (no server needed), and
// Java's load-balancing names apply.
const test = require('node:test')
const assert = require('node:assert')
const { Client, Server } = require('libdubbo')

test('a Node provider and consumer find each other in the embedded registry', async () => {
  const server = new Server()
  await server.export({ sayHello: (n) => `hi ${n}` }, { interface: 'org.example.NodeLocal', version: '2.0' })
  const client = new Client({ timeout: 3000 })
  try {
    const ref = client.reference('org.example.NodeLocal', { version: '2.0' })
    assert.strictEqual(await ref.call('sayHello', 'there'), 'hi there')
  } finally {
    client.close()
    server.close()
  }
})

test('roundrobin spreads calls over two providers', async () => {
  const a = new Server()
  const b = new Server()
  await a.export({ who: () => 'a' }, { interface: 'org.example.NodeSpread' })
  await b.export({ who: () => 'b' }, { interface: 'org.example.NodeSpread' })
  const client = new Client({ timeout: 3000 })
  try {
    const ref = client.reference('org.example.NodeSpread', { parameters: { loadbalance: 'roundrobin' } })
    const seen = []
    for (let i = 0; i < 20; i++) seen.push(await ref.call('who'))
    assert.strictEqual(seen.filter((w) => w === 'a').length, 10, seen.join(','))
    assert.strictEqual(seen.filter((w) => w === 'b').length, 10, seen.join(','))
  } finally {
    client.close()
    a.close()
    b.close()
  }
})
