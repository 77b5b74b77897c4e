//! The main job until the language fronts land: Rust calls a Java Dubbo
//! provider of `org.example.Greeter` (tests/interop/java) over the dubbo2
//! protocol and prints what Java answered. `examples/call_java_provider.sh`
//! starts the provider and runs this against it:
//! `cargo run -p libdubbo-core --example call_java -- 127.0.0.1:PORT`.

use std::time::Duration;

use libdubbo_core::protocol::{Invocation, Outcome};
use libdubbo_core::transport::{ClientOptions, Connection};
use libdubbo_core::Value;

const GREETER: &str = "org.example.Greeter";

fn call(method: &str, descriptor: &str, args: Vec<Value>) -> Invocation {
    Invocation::new(GREETER, method, descriptor, args).with_consumer_attachments(3000)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).ok_or("usage: call_java HOST:PORT")?.parse()?;
    let conn = Connection::connect(addr, ClientOptions::default()).await?;
    let user = Value::object("org.example.User", [("name", Value::from("Ada")), ("age", Value::Int(36))]);
    let calls = [
        call("sayHello", "Ljava/lang/String;", vec![Value::from("from Rust")]),
        call("add", "II", vec![Value::Int(40), Value::Int(2)]),
        call("echoDecimal", "Ljava/math/BigDecimal;", vec![Value::big_decimal("3.14159")]),
        call("wrap", "Lorg/example/User;", vec![user]),
        call("returnNull", "", vec![]),
        call("fail", "Ljava/lang/String;", vec![Value::from("a declared exception")]),
    ];
    for inv in calls {
        let answer = conn.call(&inv, Duration::from_secs(3)).await?;
        let shown = match answer.outcome {
            Outcome::Value(v) => format!("{v:?}"),
            Outcome::Null => "null".to_owned(),
            Outcome::Exception(e) => match e.as_throwable(Some(0)) {
                Some(t) => format!("threw {}: {}", t.class(), t.message.unwrap_or("")),
                None => format!("threw {e:?}"),
            },
        };
        println!("java answered {}({}) -> {shown}", inv.method, inv.descriptor);
    }
    Ok(())
}
