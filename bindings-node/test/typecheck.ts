// Compiled (not run) by run-tests.sh against the installed package: the types
// a TypeScript user gets from `libdubbo` accept the documented API.
import {
  Client,
  DubboError,
  DubboRemoteException,
  DubboTimeoutError,
  JavaException,
  Server,
  currentCall,
  java,
  type Answer,
  type CallContext,
} from 'libdubbo'

export async function consumer(): Promise<void> {
  const client = new Client('dubbo://127.0.0.1:20880', { timeout: 3000, application: 'shop' })
  const greeter = client.reference('org.example.Greeter', { version: '1.0.0', methods: { add: ['int', 'int'] } })
  const sum: unknown = await greeter.call('add', 2, 3)
  const answer: Answer = await greeter.invoke('sayHello', ['x'], { attachments: { trace: '1' }, timeout: 500 })
  await greeter.callWith('echoLong', [java.long(5n)], { parameterTypes: ['long'] })
  await greeter.oneway('remember', ['x'])
  await greeter.generic('sayHello', ['java.lang.String'], ['x'])
  const user = java.object('org.example.User', { name: 'Bob', age: 14 })
  const cls: string = user.$class
  const name: string = user.name
  void [sum, answer, cls, name, java.enum('org.example.Color', 'RED').name, java.array('int', [1, 2]), java.decimal('1.5')]
  try {
    await greeter.call('fail', 'x')
  } catch (e) {
    if (e instanceof DubboRemoteException) console.log(e.javaClass, e.fields, e.javaStack.length, e.code)
    else if (e instanceof DubboTimeoutError || e instanceof DubboError) console.log(e.code)
  }
  client.close()
}

export async function provider(): Promise<number> {
  const server = new Server({ host: '127.0.0.1', port: 0, shutdownTimeout: 1000 })
  await server.export(
    {
      sayHello: (n: string) => `Hello ${n}`,
      async slow() {
        const call: CallContext = currentCall()
        call.setAttachment('k', call.attachments.k)
        return call.parameterTypes.length
      },
      fail(message: string): never {
        throw new JavaException('org.example.GreeterException', message, { code: 42 })
      },
    },
    { interface: 'org.example.Greeter', methods: [['sayHello', ['java.lang.String']]] },
  )
  const port: number = server.port
  await server.shutdown()
  server.close()
  return port
}
