'use strict'
// The same Greeter behind a Node, a Rust and a Java provider, for one test file.
const { Server } = require('libdubbo')
const { serve } = require('./greeter')
const { javaProvider, rustProvider } = require('./peers')

/** Starts the three providers; `stop()` ends them. Missing peers are left out (or fail, see peers.js). */
async function providers() {
  const server = new Server()
  await serve(server)
  const [rust, java] = await Promise.all([rustProvider(), javaProvider()])
  const urls = { node: server.url }
  if (rust) urls.rust = rust.url
  if (java) urls.java = java.url
  return {
    urls,
    java,
    async stop() {
      server.close()
      await Promise.all([rust?.stop(), java?.stop()])
    },
  }
}

module.exports = { providers }
