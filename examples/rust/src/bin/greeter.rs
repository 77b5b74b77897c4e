//! A provider and a consumer in one process, on the facade every front wraps:
//! the server exports `org.example.Greeter` (two methods, one of which throws a
//! declared Java exception), the client calls it over loopback.
//!
//! `cargo run -p libdubbo-examples --bin greeter`

use libdubbo_core::facade::{
    CallOptions, Client, ClientConfig, Error, MethodSignature, ReferenceConfig, Response, Runtime, Server, ServerConfig, Service, ServiceError,
};
use libdubbo_core::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let runtime = Runtime::global()?;

    // The provider: port 0 lets the OS choose a free loopback port.
    let server = Server::bind(runtime.clone(), ServerConfig { bind: "127.0.0.1:0".parse().unwrap(), ..ServerConfig::default() }).await?;
    let greeter = Service::builder("org.example.Greeter")
        .method("sayHello", &["java.lang.String"])?
        .method("fail", &["java.lang.String"])?
        .handler(|req| async move {
            match req.method.as_str() {
                "sayHello" => Ok(Response::from(Value::String(format!("Hello {}", req.args[0].as_str().unwrap_or("?"))))),
                // A business exception, as a Java provider throws one (Java consumers catch it by type).
                _ => Err(ServiceError::Exception(Value::throwable("org.example.GreeterException", req.args[0].as_str(), None))),
            }
        });
    server.export(greeter)?;
    println!("provider listening on {}", server.local_addr());

    // The consumer: a direct URL, with declared signatures so calls stay short.
    let client = Client::new(runtime, ClientConfig::default())?;
    let mut config = ReferenceConfig::direct("org.example.Greeter", format!("dubbo://{}", server.local_addr()));
    config.methods = vec![MethodSignature::new("sayHello", &["java.lang.String"])?, MethodSignature::new("fail", &["java.lang.String"])?];
    let reference = client.reference(config)?;

    let reply = reference.call("sayHello", vec![Value::from("Rust")], CallOptions::default()).await?;
    println!("sayHello(\"Rust\") -> {:?}", reply.value);
    match reference.call("fail", vec![Value::from("on purpose")], CallOptions::default()).await {
        Err(e) => println!("fail(\"on purpose\") -> {} error: {}", e.kind.name(), e.message),
        Ok(reply) => println!("fail() unexpectedly returned {:?}", reply.value),
    }
    let stopped = server.shutdown().await?;
    println!("provider stopped gracefully ({stopped} calls cut off)");
    Ok(())
}
