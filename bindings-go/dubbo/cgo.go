// Package dubbo calls Apache Dubbo services and serves them, over the dubbo2
// protocol, through libdubbo's C ABI (include/dubbo.h): a Rust core linked in
// with cgo. Values cross as JSON (see the package README and include/README.md).
//
// Link: by default against ../../target/debug/libdubbo.a (cargo build -p
// libdubbo-ffi); with -tags dubbo_release against target/release.
package dubbo

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <stdlib.h>
#include "dubbo.h"

*/
import "C"

import (
	"fmt"
	"unsafe"
)

// The header this package was built with must fit the linked library.
func init() {
	got := uint32(C.dubbo_abi_version())
	want := uint32(C.DUBBO_ABI_VERSION)
	if got>>16 != want>>16 || got < want {
		panic(fmt.Sprintf("dubbo: libdubbo %s (ABI %#x) does not fit this package (built for ABI %#x)", Version(), got, want))
	}
}

// Version is the linked libdubbo's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.dubbo_version()) }

// cstr is a Go string as (pointer, length) for a C call that only borrows it.
// The bytes hold no Go pointers, so cgo allows passing them for the call.
func cstr(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
}

// cbytes is cstr for a byte slice.
func cbytes(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// cOwned is a string copied to C memory, for option structs (which may not
// hold Go pointers); free it with its release function after the call.
type cOwned []unsafe.Pointer

func (o *cOwned) str(s string) C.dubbo_str {
	if s == "" {
		return C.dubbo_str{}
	}
	p := C.CString(s)
	*o = append(*o, unsafe.Pointer(p))
	return C.dubbo_str{ptr: p, len: C.size_t(len(s))}
}

func (o *cOwned) release() {
	for _, p := range *o {
		C.free(p)
	}
	*o = nil
}

// takeBytes copies libdubbo-owned bytes into Go memory and frees them.
func takeBytes(b *C.dubbo_bytes) []byte {
	defer C.dubbo_bytes_free(b)
	if b.ptr == nil || b.len == 0 {
		return nil
	}
	return C.GoBytes(unsafe.Pointer(b.ptr), C.int(b.len))
}
