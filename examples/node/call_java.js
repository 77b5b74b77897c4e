'use strict'
// Node calls a Java Dubbo provider of org.example.Greeter (tests/interop/java)
// over the dubbo2 protocol and prints what Java answered:
//   java -jar tests/interop/java/target/dubbo-peer.jar provider 20880 &
//   node examples/node/call_java.js dubbo://127.0.0.1:20880
// (with libdubbo installed: `npm install libdubbo`, or NODE_PATH at an install).
const { Client, DubboRemoteException, java } = require('libdubbo')

async function main(url) {
  const client = new Client(url, { timeout: 3000 })
  const greeter = client.reference('org.example.Greeter', {
    methods: {
      sayHello: ['java.lang.String'],
      add: ['int', 'int'],
      echoDecimal: ['java.math.BigDecimal'],
      wrap: ['org.example.User'],
      fail: ['java.lang.String'],
    },
  })
  console.log('java answered sayHello ->', await greeter.call('sayHello', 'from Node'))
  console.log('java answered add ->', await greeter.call('add', 40, 2))
  console.log('java answered echoDecimal ->', String(await greeter.call('echoDecimal', java.decimal('3.14159'))))
  console.log('java answered wrap ->', await greeter.call('wrap', java.object('org.example.User', { name: 'Ada', age: 36 })))
  try {
    await greeter.call('fail', 'a declared exception')
  } catch (e) {
    if (!(e instanceof DubboRemoteException)) throw e
    console.log(`java answered fail -> ${e.javaClass} (code=${e.fields.code}): ${e.javaMessage}`)
  }
  const sums = await Promise.all(Array.from({ length: 64 }, (_, i) => greeter.call('add', i, i)))
  console.log(`java answered 64 adds at once -> ${sums.slice(0, 4)} ... ${sums[63]}`)
  client.close()
}

main(process.argv[2] ?? 'dubbo://127.0.0.1:20880').catch((e) => {
  console.error(e)
  process.exit(1)
})
