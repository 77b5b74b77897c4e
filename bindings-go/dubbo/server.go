package dubbo

/*
#include "dubbo.h"
void dubbo_go_handler_call(void *ctx, dubbo_request *req);
void dubbo_go_handler_drop(void *ctx);
static inline dubbo_handler dubbo_go_make_handler(uintptr_t h) {
  dubbo_handler out;
  out.call = dubbo_go_handler_call;
  out.drop = dubbo_go_handler_drop;
  out.context = (void *)h;
  return out;
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
)

// ServerOptions are a server's settings; zero values are the defaults.
type ServerOptions struct {
	Bind            string        // host:port, "127.0.0.1:0" (a free loopback port)
	ShutdownTimeout time.Duration // how long Shutdown drains running calls (10 s)
}

// Server is a Dubbo provider.
type Server struct {
	mu sync.Mutex
	p  *C.dubbo_server
}

// NewServer starts listening (no services yet).
func (r *Runtime) NewServer(o ServerOptions) (*Server, error) {
	var opts C.dubbo_server_options
	C.dubbo_server_options_default(&opts)
	var owned cOwned
	defer owned.release()
	opts.bind = owned.str(o.Bind)
	if o.ShutdownTimeout > 0 {
		opts.shutdown_timeout_ms = C.uint32_t(o.ShutdownTimeout.Milliseconds())
	}
	var p *C.dubbo_server
	var e *C.dubbo_error
	err := takeError(C.dubbo_server_new(r.ptr(), &opts, &p, &e), e)
	runtime.KeepAlive(r)
	if err != nil {
		return nil, err
	}
	s := &Server{p: p}
	runtime.SetFinalizer(s, (*Server).Close)
	return s, nil
}

func (s *Server) ptr() *C.dubbo_server {
	debugGC()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p
}

// Port is the port it listens on.
func (s *Server) Port() int {
	p := int(C.dubbo_server_port(s.ptr()))
	runtime.KeepAlive(s)
	return p
}

// ServiceOptions say what a service is; Methods declares the served methods
// (others get Java's "no such method"); none serves any method.
type ServiceOptions struct {
	Interface string
	Version   string
	Group     string
	Methods   []Method
}

// Request is one call to a Go handler. Args are its arguments as JSON.
type Request struct {
	p              *C.dubbo_request
	Interface      string
	Method         string
	ParameterTypes []string
	Args           []json.RawMessage
}

// Attachment is a request attachment as JSON (null when absent).
func (r *Request) Attachment(key string) (json.RawMessage, error) {
	kp, kl := cstr(key)
	var out C.dubbo_bytes
	var e *C.dubbo_error
	if err := takeError(C.dubbo_request_attachment(r.p, kp, kl, &out, &e), e); err != nil {
		return nil, err
	}
	return takeBytes(&out), nil
}

// SetAttachment sets a response attachment (Java's server response context).
func (r *Request) SetAttachment(key string, value any) error {
	v, err := json.Marshal(value)
	if err != nil {
		return err
	}
	kp, kl := cstr(key)
	vp, vl := cbytes(v)
	var e *C.dubbo_error
	err = takeError(C.dubbo_request_set_attachment(r.p, kp, kl, vp, vl, &e), e)
	runtime.KeepAlive(v)
	return err
}

// JavaException is a handler error that reaches Java as an exception of Class
// (one the interface declares, so Java catches it by type), with Fields.
type JavaException struct {
	Class   string
	Message string
	Fields  map[string]any
}

func (e *JavaException) Error() string { return e.Class + ": " + e.Message }

// Handler answers calls: a returned value is marshalled to JSON (a
// json.RawMessage goes as it is); a *JavaException is thrown as such; any other
// error reaches Java as a RuntimeException with its message. Handlers run on
// goroutines, many at once.
type Handler func(ctx context.Context, req *Request) (any, error)

// Export serves a service with h.
func (s *Server) Export(o ServiceOptions, h Handler) error {
	var opts C.dubbo_service_options
	C.dubbo_service_options_default(&opts)
	var owned cOwned
	defer owned.release()
	opts._interface = owned.str(o.Interface)
	opts.version = owned.str(o.Version)
	opts.group = owned.str(o.Group)
	if len(o.Methods) > 0 {
		m, err := json.Marshal(o.Methods)
		if err != nil {
			return err
		}
		opts.methods_json = owned.str(string(m))
	}
	handle := cgo.NewHandle(h)
	handler := C.dubbo_go_make_handler(C.uintptr_t(handle))
	var e *C.dubbo_error
	err := takeError(C.dubbo_server_export(s.ptr(), &opts, &handler, &e), e)
	runtime.KeepAlive(s)
	if err != nil {
		handle.Delete() // drop is not called on failure
	}
	return err
}

// Shutdown stops gracefully: readonly to consumers, running calls drained, closed.
func (s *Server) Shutdown() error {
	var e *C.dubbo_error
	err := takeError(C.dubbo_server_shutdown(s.ptr(), &e), e)
	runtime.KeepAlive(s)
	return err
}

// Close closes now and frees the server.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil {
		return nil
	}
	err := takeError(C.dubbo_server_free(s.p), nil)
	if err == nil {
		s.p = nil
		runtime.SetFinalizer(s, nil)
	}
	return err
}

// serve runs a handler on its own goroutine and answers the owned request.
func serve(h Handler, p *C.dubbo_request) {
	defer C.dubbo_request_free(p)
	req := &Request{p: p}
	var n C.size_t
	req.Interface = view(C.dubbo_request_interface(p, &n), n)
	req.Method = view(C.dubbo_request_method(p, &n), n)
	var b C.dubbo_bytes
	if C.dubbo_request_parameter_types(p, &b, nil) == C.DUBBO_OK {
		_ = json.Unmarshal(takeBytes(&b), &req.ParameterTypes)
	}
	if C.dubbo_request_args(p, &b, nil) == C.DUBBO_OK {
		if err := json.Unmarshal(takeBytes(&b), &req.Args); err != nil {
			fail(p, fmt.Errorf("cannot read the arguments: %w", err))
			return
		}
	}
	value, err := run(h, req)
	if err != nil {
		fail(p, err)
		return
	}
	out, err := json.Marshal(value)
	if err != nil {
		fail(p, fmt.Errorf("cannot write the result: %w", err))
		return
	}
	vp, vl := cbytes(out)
	C.dubbo_request_reply(p, vp, vl, nil)
	runtime.KeepAlive(out)
}

func run(h Handler, req *Request) (value any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the Go handler panicked: %v", r)
		}
	}()
	return h(context.Background(), req)
}

func fail(p *C.dubbo_request, err error) {
	class, message, fields := "", err.Error(), []byte(nil)
	var je *JavaException
	if errors.As(err, &je) {
		class, message = je.Class, je.Message
		if len(je.Fields) > 0 {
			fields, _ = json.Marshal(je.Fields)
		}
	}
	cp, cl := cstr(class)
	mp, ml := cstr(message)
	fp, fl := cbytes(fields)
	C.dubbo_request_fail(p, cp, cl, mp, ml, fp, fl, nil)
	runtime.KeepAlive(fields)
}
