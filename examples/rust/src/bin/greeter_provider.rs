//! A Rust provider of a few `org.example.Greeter` methods, for other fronts'
//! tests to call (the Go package's tests do): prints `READY <port>` and serves
//! on a free loopback port until its standard input closes (at most 10 minutes).
//!
//! `cargo run -p libdubbo-examples --bin greeter_provider`

use std::io::Read;
use std::time::Duration;

use libdubbo_core::facade::{Error, Response, Runtime, Server, ServerConfig, Service, ServiceError};
use libdubbo_core::Value;

fn main() -> Result<(), Error> {
    let runtime = Runtime::global()?;
    let config = ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), ..ServerConfig::default() };
    let server = Server::bind_blocking(runtime, config)?;
    let greeter = Service::builder("org.example.Greeter")
        .method("sayHello", &["java.lang.String"])?
        .method("add", &["int", "int"])?
        .method("echoUser", &["org.example.User"])?
        .method("fail", &["java.lang.String"])?
        .method("slow", &["int"])?
        .handler(|req| async move {
            let arg = |i: usize| req.args.get(i).cloned().unwrap_or(Value::Null);
            let int = |i: usize| arg(i).as_i64().unwrap_or(0) as i32;
            match req.method.as_str() {
                "sayHello" => Ok(Response::from(Value::String(format!("Hello {}", arg(0).as_str().unwrap_or("?"))))),
                "add" => Ok(Response::from(Value::Int(int(0).wrapping_add(int(1))))),
                "slow" => {
                    tokio::time::sleep(Duration::from_millis(int(0).clamp(0, 10_000) as u64)).await;
                    Ok(Response::from(Value::from("slept")))
                }
                "fail" => {
                    let mut e = Value::throwable("org.example.GreeterException", arg(0).as_str(), None);
                    if let Value::Object(o) = &mut e {
                        o.set("code", Value::Int(42));
                    }
                    Err(ServiceError::Exception(e))
                }
                _ => Ok(Response::from(arg(0))),
            }
        });
    server.export(greeter)?;
    println!("READY {}", server.local_addr().port());
    // Serve until stdin closes (the parent went away), bounded by a watchdog.
    std::thread::spawn(|| {
        std::thread::sleep(Duration::from_secs(600));
        std::process::exit(0);
    });
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    server.close();
    Ok(())
}
