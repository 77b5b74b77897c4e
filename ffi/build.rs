//! Gives the shared library its SONAME, `libdubbo.so.<major>`, so that programs
//! linked against it load the same major version only. The header is made by
//! the pinned cbindgen (`ffi/gen-header.sh`), not here: a build needs no cbindgen.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux") || target.contains("android") || target.contains("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdubbo.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
