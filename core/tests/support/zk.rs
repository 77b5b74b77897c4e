//! A private ZooKeeper server (Debian's `zookeeper` package, `.ci/deps.sh`
//! installs it) on a free loopback port, in a temp folder, stopped on drop.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const JAR: &str = "/usr/share/java/zookeeper.jar";

/// A running ZooKeeper.
pub struct ZooKeeper {
    child: Child,
    dir: PathBuf,
    /// Its client port on 127.0.0.1.
    pub port: u16,
}

/// Starts the server of the config in `dir`, logging to `dir/zk.log` (appended).
fn spawn(dir: &Path) -> Child {
    let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("zk.log")).unwrap();
    Command::new("java")
        .args(["-Xms32m", "-Xmx256m", "-Dzookeeper.admin.enableServer=false", "-Dzookeeper.root.logger=INFO,CONSOLE"])
        .arg("-Dlog4j.configuration=file:/etc/zookeeper/conf/log4j.properties")
        .args(["-cp", "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar"])
        .arg("org.apache.zookeeper.server.ZooKeeperServerMain")
        .arg(dir.join("zoo.cfg"))
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .unwrap()
}

impl ZooKeeper {
    /// Starts one, or `None` with a SKIP line when the package is not installed.
    pub fn start() -> Option<ZooKeeper> {
        if !Path::new(JAR).exists() {
            eprintln!("SKIP: {JAR} is missing (apt-get install zookeeper; tests/run.sh does)");
            return None;
        }
        let port = super::free_port();
        let dir = std::env::temp_dir().join(format!("libdubbo-zk-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let cfg = format!(
            "tickTime=2000\ndataDir={}\nclientPort={port}\nclientPortAddress=127.0.0.1\nadmin.enableServer=false\n4lw.commands.whitelist=ruok,srvr,mntr,stat,cons\nmaxSessionTimeout=60000\n",
            dir.join("data").display()
        );
        std::fs::write(dir.join("zoo.cfg"), cfg).unwrap();
        let zk = ZooKeeper { child: spawn(&dir), dir, port };
        zk.wait_ready();
        Some(zk)
    }

    /// Kills the server (no clean shutdown), keeping its data for [`ZooKeeper::restart`].
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same port and data (sessions and their nodes survive
    /// until the sessions time out).
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(&self.dir);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while !self.ruok() {
            assert!(start.elapsed() < Duration::from_secs(30), "ZooKeeper did not start: {}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `zookeeper://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("zookeeper://127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn ruok(&self) -> bool {
        let Ok(mut s) = TcpStream::connect_timeout(&([127, 0, 0, 1], self.port).into(), Duration::from_millis(500)) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
        let mut out = String::new();
        s.write_all(b"ruok").is_ok() && s.read_to_string(&mut out).is_ok() && out == "imok"
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("zk.log")).unwrap_or_default()
    }
}

impl Drop for ZooKeeper {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
