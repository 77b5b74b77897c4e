package dubbo

// #include "dubbo.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// Kind is the kind of a libdubbo error: the same closed set in every front.
type Kind int32

// The kinds (the dubbo.h status codes).
const (
	KindTimeout         Kind = C.DUBBO_E_TIMEOUT
	KindNoProvider      Kind = C.DUBBO_E_NO_PROVIDER
	KindNetwork         Kind = C.DUBBO_E_NETWORK
	KindOverloaded      Kind = C.DUBBO_E_OVERLOADED
	KindCodec           Kind = C.DUBBO_E_CODEC
	KindRemoteException Kind = C.DUBBO_E_REMOTE_EXCEPTION
	KindRemoteServer    Kind = C.DUBBO_E_REMOTE_SERVER
	KindInvalidArg      Kind = C.DUBBO_E_INVALID_ARG
	KindCancelled       Kind = C.DUBBO_E_CANCELLED
	KindClosed          Kind = C.DUBBO_E_CLOSED
	KindForked          Kind = C.DUBBO_E_FORKED
	KindPanic           Kind = C.DUBBO_E_PANIC
	KindNull            Kind = C.DUBBO_E_NULL
	KindInCallback      Kind = C.DUBBO_E_IN_CALLBACK
)

// String is the status name, "DUBBO_E_TIMEOUT".
func (k Kind) String() string { return C.GoString(C.dubbo_status_name(C.dubbo_status(k))) }

// Error is a libdubbo failure. Compare kinds with errors.Is(err, dubbo.ErrTimeout).
type Error struct {
	Kind    Kind
	Message string
	// JavaClass, RemoteStack and ExceptionJSON describe a remote Java exception
	// (KindRemoteException): its class, stack trace, and the object as JSON (fields).
	JavaClass     string
	RemoteStack   string
	ExceptionJSON string
	// RemoteStatus is Dubbo's response status of a KindRemoteServer error (40, 70, 100...).
	RemoteStatus uint8
	cause        error
	sentinel     bool
}

func (e *Error) Error() string {
	if e.sentinel {
		return "dubbo: " + e.Kind.String()
	}
	return fmt.Sprintf("dubbo: %s: %s", e.Kind, e.Message)
}

// Is matches the sentinel of the error's kind (ErrTimeout, ErrClosed, ...).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel && t.Kind == e.Kind
}

// Unwrap gives the cause: the context's error when a context ended the call.
func (e *Error) Unwrap() error { return e.cause }

func sentinel(k Kind) *Error { return &Error{Kind: k, sentinel: true} }

// Sentinels for errors.Is.
var (
	ErrTimeout         = sentinel(KindTimeout)
	ErrNoProvider      = sentinel(KindNoProvider)
	ErrNetwork         = sentinel(KindNetwork)
	ErrOverloaded      = sentinel(KindOverloaded)
	ErrCodec           = sentinel(KindCodec)
	ErrRemoteException = sentinel(KindRemoteException)
	ErrRemoteServer    = sentinel(KindRemoteServer)
	ErrInvalidArg      = sentinel(KindInvalidArg)
	ErrCancelled       = sentinel(KindCancelled)
	ErrClosed          = sentinel(KindClosed)
	ErrForked          = sentinel(KindForked)
	ErrPanic           = sentinel(KindPanic)
	ErrNull            = sentinel(KindNull)
	ErrInCallback      = sentinel(KindInCallback)
)

func view(p *C.char, n C.size_t) string {
	if p == nil || n == 0 {
		return ""
	}
	return C.GoStringN(p, C.int(n))
}

// copyError copies a borrowed dubbo_error.
func copyError(e *C.dubbo_error) *Error {
	var n C.size_t
	out := &Error{Kind: Kind(C.dubbo_error_kind(e))}
	out.Message = view(C.dubbo_error_message(e, &n), n)
	out.JavaClass = view(C.dubbo_error_java_class(e, &n), n)
	out.RemoteStack = view(C.dubbo_error_remote_stack(e, &n), n)
	out.ExceptionJSON = view(C.dubbo_error_exception_json(e, &n), n)
	out.RemoteStatus = uint8(C.dubbo_error_remote_status(e))
	return out
}

// takeError turns a status and its error object (freed here) into a Go error.
func takeError(status C.dubbo_status, e *C.dubbo_error) error {
	if status == C.DUBBO_OK {
		return nil
	}
	if e == nil {
		return &Error{Kind: Kind(status), Message: Kind(status).String()}
	}
	defer C.dubbo_error_free(e)
	return copyError(e)
}

var _ = unsafe.Pointer(nil)
