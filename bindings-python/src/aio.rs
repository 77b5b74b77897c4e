//! asyncio without the GIL on runtime threads: a finished call is queued here
//! and one byte is written to a pipe that the event loop watches
//! (`loop.add_reader`); the loop then drains the queue and converts results on
//! its own thread. Many completions share one wake-up.

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex};

use libdubbo_core::facade::{Error, Reply};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;

use crate::client::reply_to_py;
use crate::errors;

/// How a call queued for the loop ended.
pub enum Done {
    /// Answered; the flag says whether the caller wants the response attachments.
    Reply(Reply, bool),
    /// Sent and needing no answer (oneway).
    Sent,
    /// Failed.
    Failed(Error),
}

/// Shared by the Python object and the tasks that complete into it.
pub struct Inner {
    done: Mutex<Vec<(u64, Done)>>,
    reader: std::fs::File,
    writer: std::fs::File,
}

impl Inner {
    /// Queues an outcome; wakes the loop when the queue was empty (the loop reads
    /// the pipe before it drains, so no wake-up is lost).
    pub fn push(&self, token: u64, done: Done) {
        let mut queue = self.done.lock().unwrap_or_else(|p| p.into_inner());
        let was_empty = queue.is_empty();
        queue.push((token, done));
        drop(queue);
        if was_empty {
            // Non-blocking: a full pipe already holds a wake-up.
            let _ = (&self.writer).write(&[1]);
        }
    }
}

/// One event loop's completion queue (`libdubbo` keeps one per loop).
#[pyclass(frozen, module = "libdubbo._native")]
pub struct Completions {
    pub(crate) inner: Arc<Inner>,
}

#[pymethods]
impl Completions {
    #[new]
    fn new() -> PyResult<Self> {
        let mut fds = [0; 2];
        // SAFETY: pipe2 writes two descriptors into the array it is given.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(PyOSError::new_err(format!("pipe2: {}", std::io::Error::last_os_error())));
        }
        // SAFETY: both descriptors are new and owned by nobody else.
        let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let inner = Inner { done: Mutex::new(Vec::new()), reader: r.into(), writer: w.into() };
        Ok(Completions { inner: Arc::new(inner) })
    }

    /// The descriptor the loop watches for readability.
    fn fileno(&self) -> i32 {
        self.inner.reader.as_raw_fd()
    }

    /// Everything finished since the last drain: `(token, ok, result)`, where
    /// `result` is the value (or `(value, attachments)`) when ok, else the exception.
    fn drain(&self, py: Python<'_>) -> PyResult<Vec<(u64, bool, Py<PyAny>)>> {
        let mut sink = [0u8; 256];
        while matches!((&self.inner.reader).read(&mut sink), Ok(n) if n > 0) {}
        let done = std::mem::take(&mut *self.inner.done.lock().unwrap_or_else(|p| p.into_inner()));
        let mut out = Vec::with_capacity(done.len());
        for (token, outcome) in done {
            let item = match outcome {
                Done::Reply(reply, want) => match reply_to_py(py, reply, want) {
                    Ok(value) => (token, true, value),
                    Err(e) => (token, false, e.into_value(py).into_any()),
                },
                Done::Sent => (token, true, py.None()),
                Done::Failed(e) => (token, false, errors::to_py(py, e).into_value(py).into_any()),
            };
            out.push(item);
        }
        Ok(out)
    }
}

/// Cancels a call started for the loop (the asyncio future was cancelled).
#[pyclass(frozen, module = "libdubbo._native")]
pub struct CancelHandle {
    pub(crate) abort: tokio::task::AbortHandle,
}

#[pymethods]
impl CancelHandle {
    /// Drops the call's future: it ends on our side at once.
    fn cancel(&self) {
        self.abort.abort();
    }
}
