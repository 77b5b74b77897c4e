'use strict'
// One row of bench/node.sh: calls/s of echoString("0123456789" x 10) from Node
// to a dubbo2 provider, with N callers in flight on one connection.
//   node bench.js libdubbo|hessianjs dubbo://127.0.0.1:PORT IN_FLIGHT WARMUP_S SECONDS
// Prints a `BENCH ...` line as bench/src/bin/dubbo2.rs does.
const net = require('node:net')

const [mode, url, inflightArg, warmupArg, secondsArg] = process.argv.slice(2)
const inflight = Number(inflightArg)
const warmupMs = Number(warmupArg) * 1000
const measureMs = Number(secondsArg) * 1000
const GREETER = 'org.example.Greeter'
const ARG = '0123456789'.repeat(10)

/** libdubbo's Client. */
async function libdubboCaller() {
  const { Client } = require('libdubbo')
  const client = new Client(url, { timeout: 5000 })
  const ref = client.reference(GREETER, { methods: { echoString: ['java.lang.String'] } })
  return { call: () => ref.call('echoString', ARG), close: () => client.close() }
}

/**
 * A minimal dubbo2 client over one socket with hessian.js doing the Hessian2:
 * what a pure-JS client does per call (dubbo-js encodes and decodes the same way).
 */
async function hessianjsCaller() {
  const hessian = require('hessian.js')
  const { hostname, port } = new URL(url.replace('dubbo://', 'http://'))
  const socket = net.connect(Number(port), hostname)
  socket.setNoDelay(true)
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const pending = new Map()
  let nextId = 1n
  let buffered = Buffer.alloc(0)
  socket.on('data', (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk
    while (buffered.length >= 16) {
      const length = buffered.readUInt32BE(12)
      if (buffered.length < 16 + length) break
      const frame = buffered.subarray(0, 16 + length)
      buffered = buffered.subarray(16 + length)
      const id = frame.readBigInt64BE(4)
      const done = pending.get(id)
      if (!done) continue // a heartbeat or an event
      pending.delete(id)
      if (frame[3] !== 20) {
        done.reject(new Error(`status ${frame[3]}`))
        continue
      }
      const decoder = new hessian.DecoderV2(frame.subarray(16))
      const flag = decoder.read()
      if (flag === 1 || flag === 4) done.resolve(decoder.read())
      else if (flag === 2 || flag === 5) done.resolve(null)
      else done.reject(new Error(`exception flag ${flag}`))
    }
  })
  const attachments = new Map([
    ['path', GREETER],
    ['interface', GREETER],
    ['version', '0.0.0'],
    ['timeout', '5000'],
  ])
  function call() {
    const encoder = new hessian.EncoderV2()
    encoder.write('2.0.2')
    encoder.write(GREETER)
    encoder.write('0.0.0')
    encoder.write('echoString')
    encoder.write('Ljava/lang/String;')
    encoder.write(ARG)
    encoder.write(attachments)
    const body = encoder.get()
    const header = Buffer.alloc(16)
    header.writeUInt16BE(0xdabb, 0)
    header[2] = 0xc2 // request, two-way, serialization 2 (hessian2)
    const id = nextId++
    header.writeBigInt64BE(id, 4)
    header.writeUInt32BE(body.length, 12)
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      socket.write(Buffer.concat([header, body]))
    })
  }
  return { call, close: () => socket.destroy() }
}

async function main() {
  const caller = mode === 'libdubbo' ? await libdubboCaller() : await hessianjsCaller()
  let measuring = false
  let stop = false
  let calls = 0
  let errors = 0
  let firstError
  const latencies = []
  async function loop() {
    while (!stop) {
      const t0 = process.hrtime.bigint()
      try {
        const v = await caller.call()
        if (v !== ARG) throw new Error(`wrong echo: ${String(v).slice(0, 40)}`)
        if (measuring) {
          calls++
          latencies.push(Number(process.hrtime.bigint() - t0) / 1000)
        }
      } catch (e) {
        errors++
        firstError ??= e
      }
    }
  }
  const loops = Array.from({ length: inflight }, loop)
  await new Promise((r) => setTimeout(r, warmupMs))
  measuring = true
  const cpu0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  await new Promise((r) => setTimeout(r, measureMs))
  measuring = false
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  const cpu = process.cpuUsage(cpu0)
  stop = true
  await Promise.all(loops)
  caller.close()
  latencies.sort((a, b) => a - b)
  const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0)
  if (firstError) console.error(`bench.js: first error: ${firstError.message}`)
  console.log(
    `BENCH kind=string100 inflight=${inflight} calls=${calls} seconds=${secs.toFixed(2)} calls_per_s=${Math.round(calls / secs)} ` +
      `p50_us=${q(0.5).toFixed(1)} p99_us=${q(0.99).toFixed(1)} errors=${errors} rss_kib=${Math.round(process.memoryUsage().rss / 1024)} ` +
      `cpu_us_per_call=${((cpu.user + cpu.system) / Math.max(calls, 1)).toFixed(1)}`,
  )
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
