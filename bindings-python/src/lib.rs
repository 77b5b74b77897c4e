//! `libdubbo._native`: the PyO3 skin over libdubbo-core's facade. Each method
//! converts Python values, makes one facade call and maps the error; the
//! Pythonic API (`libdubbo.Client`, `libdubbo.Server`, asyncio, handler threads)
//! is written in Python on top, in `python/libdubbo/`.

mod aio;
mod client;
mod convert;
mod errors;
mod logs;
mod server;
mod types;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::Reference>()?;
    m.add_class::<server::Server>()?;
    m.add_class::<server::CallQueue>()?;
    m.add_class::<server::Call>()?;
    m.add_class::<aio::Completions>()?;
    m.add_class::<aio::CancelHandle>()?;
    m.add_function(wrap_pyfunction!(types::init, m)?)?;
    m.add_function(wrap_pyfunction!(logs::init, m)?)?;
    m.add_function(wrap_pyfunction!(logs::next_logs, m)?)?;
    m.add_function(wrap_pyfunction!(panic_for_test, m)?)?;
    Ok(())
}

/// Panics inside the native module, for the test that a panic reaches Python as
/// an exception (PyO3's `PanicException`) and leaves the process running.
#[pyfunction]
#[pyo3(name = "_panic_for_test")]
fn panic_for_test() {
    panic!("a test asked libdubbo to panic");
}
