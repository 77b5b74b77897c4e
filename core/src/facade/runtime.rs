//! The one tokio runtime of the process (DESIGN rule 3). Every facade future runs
//! on it, whatever executor awaits it, and it refuses to serve a forked child
//! from the parent's state.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::{Error, ErrorKind};

/// The runtime that owns libdubbo's sockets and tasks.
pub struct Runtime {
    /// Always `Some` until drop.
    tokio: Option<tokio::runtime::Runtime>,
    pid: u32,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // A plain drop blocks on the workers, which tokio forbids inside async code;
        // letting them go in the background is safe from any thread.
        if let Some(rt) = self.tokio.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime").field("pid", &self.pid).finish()
    }
}

/// How often a blocking wait looks up from its work (for Ctrl-C in the fronts).
pub const WAKE_EVERY: Duration = Duration::from_millis(100);

impl Runtime {
    /// A runtime with `threads` worker threads (at least one).
    pub fn new(threads: usize) -> Result<Arc<Runtime>, Error> {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("libdubbo")
            .enable_all()
            .build()
            .map_err(|e| Error::new(ErrorKind::Network, format!("cannot start the runtime: {e}")))?;
        Ok(Arc::new(Runtime { tokio: Some(tokio), pid: std::process::id() }))
    }

    /// The process-wide runtime, made on first use with `LIBDUBBO_THREADS` worker
    /// threads (default: the number of CPUs, at most 4), and made again in a child
    /// process after `fork()`.
    pub fn global() -> Result<Arc<Runtime>, Error> {
        static GLOBAL: std::sync::Mutex<Option<Arc<Runtime>>> = std::sync::Mutex::new(None);
        let mut global = GLOBAL.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(rt) = global.take() {
            if rt.check().is_ok() {
                *global = Some(rt.clone());
                return Ok(rt);
            }
            // A forked child: the parent's runtime has no threads here. Objects made
            // before the fork keep it (and fail as forked); the child gets a fresh
            // one. The dead one is leaked: dropping it could wait on threads that
            // do not exist in this process.
            std::mem::forget(rt);
        }
        let threads = std::env::var("LIBDUBBO_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(2, |n| n.get()).min(4)
        });
        let rt = Runtime::new(threads)?;
        *global = Some(rt.clone());
        Ok(rt)
    }

    /// Fails with [`ErrorKind::Forked`] in a child process made by `fork()`: the
    /// parent's threads and sockets do not exist there.
    pub fn check(&self) -> Result<(), Error> {
        if std::process::id() == self.pid {
            Ok(())
        } else {
            Err(Error::new(ErrorKind::Forked, "this libdubbo object was made before fork(); make a new one in the child"))
        }
    }

    /// Drops `this` handle; when it is the last one, stops the runtime there and
    /// then: its tasks are cancelled and its threads joined, waiting at most
    /// `timeout` for blocking tasks. Returns true when it stopped the runtime.
    /// On a runtime thread (where joining would deadlock) it stops in the
    /// background instead, as a plain drop does.
    pub fn shutdown_last(this: Arc<Runtime>, timeout: Duration) -> bool {
        match Arc::try_unwrap(this) {
            Ok(mut rt) => {
                if let Some(tokio) = rt.tokio.take() {
                    if tokio::runtime::Handle::try_current().is_ok() {
                        tokio.shutdown_background();
                    } else {
                        tokio.shutdown_timeout(timeout);
                    }
                }
                true
            }
            Err(_) => false,
        }
    }

    fn tokio(&self) -> &tokio::runtime::Runtime {
        self.tokio.as_ref().expect("the runtime is only taken on drop")
    }

    /// The tokio handle, for code that must enter the runtime.
    pub fn handle(&self) -> &tokio::runtime::Handle {
        self.tokio().handle()
    }

    /// Runs `future` on this runtime and awaits it from any executor.
    pub async fn run<F>(&self, future: F) -> Result<F::Output, Error>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.check()?;
        self.tokio().spawn(future).await.map_err(join_error)
    }

    /// Runs `future` to completion on this thread (inside this runtime, whose
    /// workers drive the sockets), calling `interrupted` every [`WAKE_EVERY`]; an
    /// error from it abandons the wait (the future is dropped, which cancels it).
    /// Polling here rather than on a worker saves two thread hand-offs per call.
    /// Must not be called from a runtime thread.
    pub fn wait<F>(&self, future: F, mut interrupted: impl FnMut() -> Result<(), Error>) -> Result<F::Output, Error>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.check()?;
        let handle = self.handle();
        // The timeout's timer is made outside block_on: it needs the runtime's context.
        let _context = handle.enter();
        let mut future = std::pin::pin!(future);
        loop {
            let slice = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                handle.block_on(tokio::time::timeout(WAKE_EVERY, future.as_mut()))
            }));
            match slice {
                Ok(Ok(out)) => return Ok(out),
                Ok(Err(_elapsed)) => interrupted()?,
                Err(panic) => {
                    let message = crate::transport::panic_text(panic);
                    return Err(Error::new(ErrorKind::Panic, format!("a libdubbo call panicked: {message}")));
                }
            }
        }
    }

    /// [`Runtime::wait`] with nothing to interrupt it.
    pub fn block_on<F>(&self, future: F) -> Result<F::Output, Error>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.wait(future, || Ok(()))
    }
}

fn join_error(e: tokio::task::JoinError) -> Error {
    if e.is_panic() {
        let message = crate::transport::panic_text(e.into_panic());
        Error::new(ErrorKind::Panic, format!("a libdubbo task panicked: {message}"))
    } else {
        Error::new(ErrorKind::Cancelled, "the call was cancelled (its runtime is shutting down)")
    }
}
