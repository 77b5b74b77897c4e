'use strict'
// A Node provider and a Node consumer of org.example.Greeter in one process:
//   node examples/node/greeter.js
// The process exits by itself once the server is closed (an idle client does
// not hold it).
const { Client, JavaException, Server, currentCall } = require('libdubbo')

async function main() {
  const server = new Server() // 127.0.0.1, a port the OS chooses
  await server.export(
    {
      sayHello: (name) => `Hello ${name}`,
      async slowHello(name) {
        await new Promise((resolve) => setTimeout(resolve, 10))
        return `Hello slowly, ${name} (${currentCall().attachments.caller ?? 'someone'} asked)`
      },
      fail(message) {
        throw new JavaException('org.example.GreeterException', message, { code: 7 })
      },
    },
    { interface: 'org.example.Greeter' },
  )
  console.log(`serving org.example.Greeter on ${server.url}`)

  const client = new Client(server.url)
  const greeter = client.reference('org.example.Greeter')
  console.log(await greeter.call('sayHello', 'Node'))
  console.log(await greeter.callWith('slowHello', ['Node'], { attachments: { caller: 'the example' } }))
  await greeter.call('fail', 'on purpose').catch((e) => console.log(`${e.code}: ${e.javaClass} code=${e.fields.code}`))
  server.close()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
