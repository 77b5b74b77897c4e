//! The main job until the transport lands: encode Java values in Rust and write
//! them where Java's hessian-lite (tests/hessian-lite) decodes and checks them.
//! `cargo run -p libdubbo-core --example hessian_to_java -- DIR`; see
//! `examples/hessian_to_java.sh`, which runs both halves.

#[path = "../tests/cases/hessian_lite.rs"]
mod cases;

use libdubbo_core::hessian2::Encoder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: hessian_to_java DIR")?;
    std::fs::create_dir_all(&dir)?;
    let mut encoder = Encoder::new();
    for (name, values) in cases::cases() {
        encoder.reset();
        for v in &values {
            encoder.write(v)?;
        }
        std::fs::write(format!("{dir}/{name}.bin"), encoder.bytes())?;
        println!("rust wrote {name:<20} {:>6} bytes", encoder.bytes().len());
    }
    Ok(())
}
