'use strict'
// The Rust Greeter provider and the Java Dubbo peer, each on a free loopback
// port. Paths come from LIBDUBBO_RUST_PROVIDER and LIBDUBBO_JAVA_PEER_JAR
// (bindings-node/run-tests.sh sets them); without them those tests skip,
// unless LIBDUBBO_REQUIRE_PEERS=1, where a missing peer fails.
const { spawn } = require('node:child_process')
const fs = require('node:fs')
const net = require('node:net')
const readline = require('node:readline')

function peerPath(env) {
  const path = process.env[env]
  if (path && fs.existsSync(path)) return path
  if (process.env.LIBDUBBO_REQUIRE_PEERS === '1') throw new Error(`${env} is not set or missing (bash tests/run.sh builds it)`)
  return null
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** Starts a process that prints `READY <port>` when it serves. */
function startPeer(argv, readyWithinMs = 60_000) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] })
    const output = []
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`${argv[0]} did not get ready:\n${output.join('\n')}`))
    }, readyWithinMs)
    const lines = readline.createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      output.push(line)
      const m = /^READY (\d+)/.exec(line)
      if (m) {
        clearTimeout(timer)
        resolve({
          url: `dubbo://127.0.0.1:${m[1]}`,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done()
              child.once('exit', () => done())
              child.kill('SIGTERM')
            }),
        })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${argv[0]} exited (${code}) before it was ready:\n${output.join('\n')}`))
    })
  })
}

async function rustProvider() {
  const binary = peerPath('LIBDUBBO_RUST_PROVIDER')
  return binary && startPeer([binary, '0'], 20_000)
}

async function javaProvider() {
  const jar = peerPath('LIBDUBBO_JAVA_PEER_JAR')
  return jar && startPeer(['java', '-jar', jar, 'provider', String(await freePort())])
}

/** Runs the Java peer's consumer (or generic) checks against `url`; resolves with its output. */
function runJava(mode, url, ...extra) {
  const jar = peerPath('LIBDUBBO_JAVA_PEER_JAR')
  if (!jar) return Promise.resolve(null)
  return new Promise((resolve, reject) => {
    const child = spawn('java', ['-jar', jar, mode, url, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000)
    child.on('error', reject)
    child.on('exit', () => {
      clearTimeout(timer)
      resolve(out)
    })
  })
}

module.exports = { freePort, javaProvider, peerPath, runJava, rustProvider, startPeer }
