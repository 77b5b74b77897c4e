'use strict'
// Java consumers (Dubbo 3's own) call a Node provider: the peer's consumer mode
// runs its checks (types, cycles, exceptions with fields, overloads,
// attachments both ways, timeouts, oneway, 256 concurrent calls, unknown
// services and methods), and its generic mode makes `$invoke` calls.
const test = require('node:test')
const assert = require('node:assert/strict')

const { Server } = require('libdubbo')
const { serve } = require('./greeter')
const { peerPath, runJava } = require('./peers')

function counts(output, mode) {
  const m = new RegExp(`^java-${mode}: (\\d+) passed, (\\d+) failed`, 'm').exec(output)
  assert.ok(m, `no summary from the Java ${mode}:\n${output.slice(-3000)}`)
  return [Number(m[1]), Number(m[2])]
}

const skip = peerPath('LIBDUBBO_JAVA_PEER_JAR') ? false : 'the Java peer jar is not available'

for (const [version, group] of [[undefined, undefined], ['1.0.0', 'node']]) {
  test(`the Java consumer's checks pass against a Node Greeter (version ${version ?? '-'}, group ${group ?? '-'})`, { skip }, async () => {
    const server = new Server()
    try {
      await serve(server, { version, group })
      const output = await runJava('consumer', server.url, version ?? '-', group ?? '-')
      const [passed, failed] = counts(output, 'consumer')
      const failures = output.split('\n').filter((l) => l.startsWith('FAIL'))
      console.log(`java-consumer: ${passed} passed, ${failed} failed`)
      assert.equal(failed, 0, failures.join('\n'))
      assert.ok(passed >= 50)
    } finally {
      server.close()
    }
  })
}

test('the Java generic consumer against a Node Greeter', { skip }, async () => {
  const server = new Server()
  try {
    await serve(server)
    const output = await runJava('generic', server.url)
    const [passed, failed] = counts(output, 'generic')
    const failures = output.split('\n').filter((l) => l.startsWith('FAIL'))
    console.log(`java-generic: ${passed} passed, ${failed} failed`)
    assert.equal(failed, 0, failures.join('\n'))
    assert.ok(passed >= 10)
  } finally {
    server.close()
  }
})
