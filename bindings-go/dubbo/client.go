package dubbo

/*
#include "dubbo.h"
static inline void *dubbo_go_ptr2(uintptr_t h) { return (void *)h; }
void dubbo_go_call_done(void *ud, const char *json, size_t len, const dubbo_error *err);
static inline dubbo_call_callback dubbo_go_done(void) { return dubbo_go_call_done; }
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
)

// Runtime owns libdubbo's threads; every client and server hangs off one.
type Runtime struct {
	mu sync.Mutex
	p  *C.dubbo_runtime
}

// NewRuntime starts a runtime with `threads` worker threads (0: the CPUs, at most 4).
func NewRuntime(threads int) (*Runtime, error) {
	var opts C.dubbo_runtime_options
	C.dubbo_runtime_options_default(&opts)
	opts.threads = C.uint32_t(threads)
	var p *C.dubbo_runtime
	var e *C.dubbo_error
	if err := takeError(C.dubbo_runtime_new(&opts, &p, &e), e); err != nil {
		return nil, err
	}
	rt := &Runtime{p: p}
	runtime.SetFinalizer(rt, (*Runtime).Close)
	return rt, nil
}

// Close frees the runtime handle; its threads stop once its clients and servers are closed too.
func (r *Runtime) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.p == nil {
		return nil
	}
	err := takeError(C.dubbo_runtime_free(r.p), nil)
	if err == nil {
		r.p = nil
		runtime.SetFinalizer(r, nil)
	}
	return err
}

// ptr is the live handle (nil after Close).
func (r *Runtime) ptr() *C.dubbo_runtime {
	debugGC()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.p
}

// ClientOptions are a client's settings, Java Dubbo's names; zero values are the defaults.
type ClientOptions struct {
	Application string        // "libdubbo-consumer"
	Timeout     time.Duration // default call timeout, 1 s
}

// Client is a consumer: one shared connection per provider address.
type Client struct {
	mu sync.Mutex
	p  *C.dubbo_client
}

// NewClient makes a client.
func (r *Runtime) NewClient(o ClientOptions) (*Client, error) {
	var opts C.dubbo_client_options
	C.dubbo_client_options_default(&opts)
	var owned cOwned
	defer owned.release()
	opts.application = owned.str(o.Application)
	if o.Timeout > 0 {
		opts.timeout_ms = C.uint32_t(o.Timeout.Milliseconds())
	}
	var p *C.dubbo_client
	var e *C.dubbo_error
	err := takeError(C.dubbo_client_new(r.ptr(), &opts, &p, &e), e)
	runtime.KeepAlive(r)
	if err != nil {
		return nil, err
	}
	c := &Client{p: p}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

// Close closes the client's connections and frees it; its references fail with ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.p == nil {
		return nil
	}
	C.dubbo_client_close(c.p)
	err := takeError(C.dubbo_client_free(c.p), nil)
	if err == nil {
		c.p = nil
		runtime.SetFinalizer(c, nil)
	}
	return err
}

// Method declares a method's Java parameter types ("int", "java.lang.String").
type Method struct {
	Name  string   `json:"name"`
	Types []string `json:"types"`
}

// ReferenceOptions say what a reference calls.
type ReferenceOptions struct {
	Interface string // the Java interface name
	URL       string // dubbo://host:port (comma-separated for several)
	Version   string
	Group     string
	Timeout   time.Duration
	Methods   []Method // declared signatures: calls need not say the types
}

// Reference calls one remote interface; safe for concurrent use.
type Reference struct {
	mu sync.Mutex
	p  *C.dubbo_reference
}

// Reference makes a reference.
func (c *Client) Reference(o ReferenceOptions) (*Reference, error) {
	var opts C.dubbo_reference_options
	C.dubbo_reference_options_default(&opts)
	var owned cOwned
	defer owned.release()
	opts._interface = owned.str(o.Interface)
	opts.url = owned.str(o.URL)
	opts.version = owned.str(o.Version)
	opts.group = owned.str(o.Group)
	if o.Timeout > 0 {
		opts.timeout_ms = C.uint32_t(o.Timeout.Milliseconds())
	}
	if len(o.Methods) > 0 {
		m, err := json.Marshal(o.Methods)
		if err != nil {
			return nil, err
		}
		opts.methods_json = owned.str(string(m))
	}
	c.mu.Lock()
	cp := c.p
	c.mu.Unlock()
	var p *C.dubbo_reference
	var e *C.dubbo_error
	err := takeError(C.dubbo_reference_new(cp, &opts, &p, &e), e)
	runtime.KeepAlive(c)
	if err != nil {
		return nil, err
	}
	r := &Reference{p: p}
	runtime.SetFinalizer(r, (*Reference).Close)
	return r, nil
}

// Close frees the reference.
func (r *Reference) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.p != nil {
		C.dubbo_reference_free(r.p)
		r.p = nil
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

type attachmentsKey struct{}

// WithAttachment adds a Dubbo attachment (Java's RpcContext) to calls made with ctx.
func WithAttachment(ctx context.Context, key string, value any) context.Context {
	prev, _ := ctx.Value(attachmentsKey{}).(map[string]any)
	next := make(map[string]any, len(prev)+1)
	for k, v := range prev {
		next[k] = v
	}
	next[key] = value
	return context.WithValue(ctx, attachmentsKey{}, next)
}

type callResult struct {
	value json.RawMessage
	err   error
}

// Call calls method with args (each marshalled to JSON: plain Go values, or
// the wrappers Long, Bytes, Date, Object, Typed, json.RawMessage) and returns
// the result as JSON. The context's deadline is the call's timeout; when the
// context ends first the error wraps ctx.Err(). A Java exception is an *Error
// of KindRemoteException.
func (r *Reference) Call(ctx context.Context, method string, args ...any) (json.RawMessage, error) {
	if args == nil {
		args = []any{}
	}
	argsJSON, err := json.Marshal(args)
	if err != nil {
		return nil, &Error{Kind: KindInvalidArg, Message: err.Error()}
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(err)
	}
	var opts C.dubbo_call_options
	C.dubbo_call_options_default(&opts)
	if dl, ok := ctx.Deadline(); ok {
		ms := time.Until(dl).Milliseconds()
		if ms < 1 {
			ms = 1
		}
		opts.timeout_ms = C.uint32_t(ms)
	}
	var owned cOwned
	defer owned.release()
	if att, ok := ctx.Value(attachmentsKey{}).(map[string]any); ok && len(att) > 0 {
		b, err := json.Marshal(att)
		if err != nil {
			return nil, &Error{Kind: KindInvalidArg, Message: err.Error()}
		}
		opts.attachments_json = owned.str(string(b))
	}
	// A cancellable context gets a token, so that its end stops the call at once.
	var token *C.dubbo_cancel_token
	if ctx.Done() != nil {
		if C.dubbo_cancel_token_new(&token, nil) == C.DUBBO_OK {
			defer C.dubbo_cancel_token_free(token)
			opts.cancel = token
		}
	}
	done := make(chan callResult, 1)
	h := cgo.NewHandle(done)
	debugGC()
	r.mu.Lock()
	p := r.p
	r.mu.Unlock()
	mp, ml := cstr(method)
	ap, al := cbytes(argsJSON)
	var e *C.dubbo_error
	status := C.dubbo_reference_call(p, mp, ml, ap, al, &opts, C.dubbo_go_done(), C.dubbo_go_ptr2(C.uintptr_t(h)), &e)
	runtime.KeepAlive(r)
	runtime.KeepAlive(argsJSON)
	if err := takeError(status, e); err != nil {
		h.Delete() // the callback never runs after an error status
		return nil, err
	}
	select {
	case res := <-done:
		if res.err != nil && ctx.Err() != nil {
			if de, ok := res.err.(*Error); ok && (de.Kind == KindTimeout || de.Kind == KindCancelled) {
				de.cause = ctx.Err()
			}
		}
		return res.value, res.err
	case <-ctx.Done():
		// Cancel it: its callback still runs once (and frees the handle).
		C.dubbo_cancel_token_cancel(token)
		return nil, contextError(ctx.Err())
	}
}

// CallInto is Call with the result unmarshalled into out.
func (r *Reference) CallInto(ctx context.Context, out any, method string, args ...any) error {
	v, err := r.Call(ctx, method, args...)
	if err != nil {
		return err
	}
	return json.Unmarshal(v, out)
}

func contextError(err error) error {
	kind := KindCancelled
	if err == context.DeadlineExceeded {
		kind = KindTimeout
	}
	return &Error{Kind: kind, Message: err.Error(), cause: err}
}
