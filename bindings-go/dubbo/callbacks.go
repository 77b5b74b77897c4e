package dubbo

// The Go functions libdubbo calls back (through shims.c). This file's preamble
// holds declarations only, as cgo requires of a file with //export.

// #include "dubbo.h"
import "C"

import (
	"encoding/json"
	"runtime/cgo"
	"unsafe"
)

//export goDubboCallDone
func goDubboCallDone(ud C.uintptr_t, jsonPtr *C.char, n C.size_t, e *C.dubbo_error) {
	h := cgo.Handle(ud)
	done := h.Value().(chan callResult)
	h.Delete() // exactly one completion per call
	if e != nil {
		done <- callResult{err: copyError(e)}
		return
	}
	done <- callResult{value: json.RawMessage(C.GoBytes(unsafe.Pointer(jsonPtr), C.int(n)))}
}

//export goDubboHandlerCall
func goDubboHandlerCall(ctx C.uintptr_t, req *C.dubbo_request) {
	h := cgo.Handle(ctx).Value().(Handler)
	var owned *C.dubbo_request
	if C.dubbo_request_take(req, &owned, nil) != C.DUBBO_OK {
		return // unanswered: libdubbo fails it
	}
	go serve(h, owned)
}

//export goDubboHandlerDrop
func goDubboHandlerDrop(ctx C.uintptr_t) {
	cgo.Handle(ctx).Delete()
}
