'use strict'
// The event loop: an idle client does not keep a process alive, a listening
// server does until close(), no handler runs after close(), and it all works
// from worker_threads. Each case runs in a child process of its own.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawn } = require('node:child_process')
const path = require('node:path')

const app = path.join(__dirname, '..') // where `libdubbo` is installed

/** Runs `code` in a fresh node; resolves with {code, out, ms}, or {code: 'killed'} after `killAfter` ms. */
function run(code, killAfter = 15_000) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['-e', code], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    let killed = false
    const timer = setTimeout(() => {
      killed = true
      child.kill('SIGKILL')
    }, killAfter)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code: killed ? 'killed' : code, out, ms: Date.now() - started })
    })
  })
}

const SERVE = `
const { Client, Server } = require('libdubbo')
const calls = []
const server = new Server()
const ready = server.export({ hello: (n) => { calls.push(n); return 'Hello ' + n } }, { interface: 'org.example.Hi' })
`

test('an idle client does not keep the process alive', async () => {
  const r = await run(`
    ${SERVE}
    ready.then(async () => {
      const client = new Client(server.url)
      const ref = client.reference('org.example.Hi')
      console.log(await ref.call('hello', 'a'))
      server.close() // the client is left open, with its connection
    })
  `)
  assert.equal(r.code, 0, r.out)
  assert.match(r.out, /Hello a/)
})

test('a listening server keeps the process alive until close()', async () => {
  const open = await run(`${SERVE} ready.then(() => console.log('listening'))`, 2000)
  assert.equal(open.code, 'killed', open.out)
  assert.match(open.out, /listening/)
  const closed = await run(`${SERVE} ready.then(() => setTimeout(() => { server.close(); console.log('closed') }, 300))`)
  assert.equal(closed.code, 0, closed.out)
  assert.match(closed.out, /closed/)
  const unexported = await run(`
    const { Server } = require('libdubbo')
    const server = new Server()
    server.listen().then(() => setTimeout(() => server.close(), 200))
  `)
  assert.equal(unexported.code, 0, unexported.out)
})

test('no handler runs after close()', async () => {
  const r = await run(`
    ${SERVE}
    ready.then(async () => {
      const client = new Client(server.url, { timeout: 2000 })
      const ref = client.reference('org.example.Hi')
      await ref.call('hello', 'before')
      server.close()
      const after = await ref.call('hello', 'after').then(() => 'answered', (e) => e.code)
      await new Promise((r) => setTimeout(r, 200))
      console.log(JSON.stringify({ calls, after }))
      client.close()
    })
  `)
  assert.equal(r.code, 0, r.out)
  const { calls, after } = JSON.parse(r.out.trim().split('\n').pop())
  assert.deepEqual(calls, ['before'])
  assert.notEqual(after, 'answered')
})

test('clients and servers work from worker_threads, and workers exit', async () => {
  const r = await run(`
    const { Worker } = require('node:worker_threads')
    const body = ${JSON.stringify(`
      const { parentPort } = require('node:worker_threads')
      const { Client, Server } = require('libdubbo')
      ;(async () => {
        const server = new Server()
        await server.export({ hello: async (n) => 'Hello ' + n }, { interface: 'org.example.Hi' })
        const client = new Client(server.url)
        const replies = await Promise.all([1, 2, 3].map((i) => client.reference('org.example.Hi').call('hello', 'w' + i)))
        parentPort.postMessage(replies)
        client.close()
        server.close()
      })()
    `)}
    let done = 0
    for (let i = 0; i < 2; i++) {
      const w = new Worker(body, { eval: true })
      w.on('message', (m) => console.log(JSON.stringify(m)))
      w.on('error', (e) => { console.error(e); process.exitCode = 1 })
      w.on('exit', () => { if (++done === 2) console.log('workers exited') })
    }
  `)
  assert.equal(r.code, 0, r.out)
  assert.equal(r.out.match(/"Hello w1","Hello w2","Hello w3"/g)?.length, 2, r.out)
  assert.match(r.out, /workers exited/)
})

test('a graceful shutdown drains running calls and lets the process exit', async () => {
  const r = await run(`
    const { Client, Server } = require('libdubbo')
    const server = new Server({ shutdownTimeout: 3000 })
    server.export({ slow: () => new Promise((r) => setTimeout(() => r('done'), 300)) }, { interface: 'org.example.Slow' }).then(async () => {
      const client = new Client(server.url, { timeout: 3000 })
      const call = client.reference('org.example.Slow').call('slow')
      await new Promise((r) => setTimeout(r, 50))
      const left = await server.shutdown()
      console.log(JSON.stringify({ left, reply: await call }))
      client.close()
    })
  `)
  assert.equal(r.code, 0, r.out)
  assert.deepEqual(JSON.parse(r.out.trim().split('\n').pop()), { left: 0, reply: 'done' })
})
