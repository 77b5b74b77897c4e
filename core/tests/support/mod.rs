//! What the interop and facade tests share: starting the Java peer
//! (`tests/interop/java`, jar path in `LIBDUBBO_JAVA_PEER_JAR`), and `Greeter`
//! implemented in Rust on the facade, as `GreeterImpl.java` behaves.

#![allow(dead_code)] // each test binary uses part of it

pub mod discovery;
pub mod greeter;
pub mod zk;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The peer jar, or `None` with a SKIP line when the suite did not build it.
pub fn java_peer_jar() -> Option<String> {
    match std::env::var("LIBDUBBO_JAVA_PEER_JAR") {
        Ok(jar) => Some(jar),
        Err(_) => {
            eprintln!("SKIP: LIBDUBBO_JAVA_PEER_JAR is not set; tests/run.sh builds tests/interop/java and sets it");
            None
        }
    }
}

/// A free loopback port: bind port 0, note it, let it go.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A Java provider process (`provider PORT [version] [group]`), killed when dropped.
pub struct JavaProvider {
    child: Child,
    pub addr: SocketAddr,
}

impl JavaProvider {
    /// Starts it with `props` (`-Dk=v`) and waits (bounded) for its `READY` line.
    pub fn start(jar: &str, props: &[&str], args: &[&str]) -> JavaProvider {
        let port = free_port();
        let mut child = Command::new("java")
            .args(props)
            .args(["-jar", jar, "provider", &port.to_string()])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("java runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("READY") {
                    let _ = tx.send(());
                }
            }
        });
        let provider = JavaProvider { child, addr: SocketAddr::from(([127, 0, 0, 1], port)) };
        rx.recv_timeout(Duration::from_secs(90)).expect("the Java provider prints READY within 90 s");
        provider
    }

    /// The direct URL of it.
    pub fn url(&self) -> String {
        format!("dubbo://{}", self.addr)
    }

    /// Sends SIGTERM (Dubbo's graceful shutdown) and waits, bounded, for the exit.
    pub fn terminate(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let started = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for JavaProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a Java consumer mode (`consumer`, `generic`) against `url`, bounded by 150 s.
pub fn run_java(jar: &str, props: &[&str], mode: &str, url: &str, args: &[&str]) -> Output {
    let mut child = Command::new("java")
        .args(props)
        .args(["-jar", jar, mode, url])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("java runs");
    // Drain the pipes while waiting, so a chatty JVM cannot block on a full pipe.
    let (out, err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = |mut pipe: Box<dyn std::io::Read + Send>| std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = pipe.read_to_end(&mut buf);
        buf
    });
    let (out, err) = (reader(Box::new(out)), reader(Box::new(err)));
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(150) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = child.wait().unwrap();
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

/// Asserts a Java checks run passed (exit 0, no FAIL line) and returns its summary line.
pub fn assert_java_passed(output: &Output, summary_prefix: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failures: Vec<&str> = stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        output.status.success() && failures.is_empty(),
        "the Java {summary_prefix} run failed ({:?}):\n{}\n{stdout}\nstderr:\n{}",
        output.status,
        failures.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.lines().find(|l| l.starts_with(summary_prefix)).expect("a summary line").to_owned()
}
