//! The main job until the language fronts land: Rust calls a Java Dubbo
//! provider of `org.example.Greeter` (tests/interop/java) through the facade and
//! prints what Java answered. `examples/call_java_provider.sh` starts the
//! provider and runs this against it:
//! `cargo run -p libdubbo-examples --bin call_java -- dubbo://127.0.0.1:PORT`.

use libdubbo_core::facade::{CallOptions, Client, ClientConfig, MethodSignature, ReferenceConfig, Runtime};
use libdubbo_core::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: call_java dubbo://HOST:PORT")?;
    let client = Client::new(Runtime::global()?, ClientConfig::default())?;
    let mut config = ReferenceConfig::direct("org.example.Greeter", url);
    config.timeout = Some(std::time::Duration::from_secs(3));
    let signatures: [(&str, &[&str]); 6] = [
        ("sayHello", &["java.lang.String"]),
        ("add", &["int", "int"]),
        ("echoDecimal", &["java.math.BigDecimal"]),
        ("wrap", &["org.example.User"]),
        ("returnNull", &[]),
        ("fail", &["java.lang.String"]),
    ];
    config.methods = signatures.iter().map(|(n, t)| MethodSignature::new(*n, t)).collect::<Result<_, _>>()?;
    let greeter = client.reference(config)?;

    let user = Value::object("org.example.User", [("name", Value::from("Ada")), ("age", Value::Int(36))]);
    let calls = [
        ("sayHello", vec![Value::from("from Rust")]),
        ("add", vec![Value::Int(40), Value::Int(2)]),
        ("echoDecimal", vec![Value::big_decimal("3.14159")]),
        ("wrap", vec![user]),
        ("returnNull", vec![]),
        ("fail", vec![Value::from("a declared exception")]),
    ];
    for (method, args) in calls {
        match greeter.call(method, args, CallOptions::default()).await {
            Ok(reply) => println!("java answered {method} -> {:?}", reply.value),
            Err(e) => println!("java answered {method} -> {} error: {}", e.kind.name(), e.message),
        }
    }
    let generic = greeter.invoke_generic("sayHello", &["java.lang.String"], vec![Value::from("generic Rust")], CallOptions::default()).await?;
    println!("java answered $invoke(sayHello) -> {:?}", generic.value);
    Ok(())
}
