//! A Rust provider of `org.example.Greeter` that behaves as the Java peer's
//! `GreeterImpl` (the same implementation the core's tests serve Java consumers
//! with), standing alone: the Python and Node suites call it as "a Rust provider".
//!
//! `greeter_provider [PORT]` listens on 127.0.0.1:PORT (0 or none: a free port),
//! prints `READY <port>` and serves until stdin closes or it is killed (at most
//! 10 minutes, whatever its parent does).

use std::io::Read;
use std::time::Duration;

use libdubbo_core::facade::{Error, Runtime, Server, ServerConfig};

#[path = "../../../../core/tests/support/greeter.rs"]
#[allow(dead_code)]
mod greeter;

fn main() -> Result<(), Error> {
    let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    let runtime = Runtime::global()?;
    let config = ServerConfig { bind: ([127, 0, 0, 1], port).into(), ..ServerConfig::default() };
    let server = Server::bind_blocking(runtime, config)?;
    server.export(greeter::service("", ""))?;
    println!("READY {}", server.local_addr().port());
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(600));
        std::process::exit(0);
    });
    // Serve until the parent goes away (its end of our stdin closes).
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    server.close();
    Ok(())
}
