// The C side of the callbacks: functions of the exact types dubbo.h wants,
// forwarding to the Go exports (Go cannot hand C a Go function; golang/go#11263).
#include <stdint.h>
#include "dubbo.h"
#include "_cgo_export.h"

void dubbo_go_call_done(void *ud, const char *json, size_t len, const dubbo_error *err) {
  goDubboCallDone((uintptr_t)ud, (char *)json, len, (dubbo_error *)err);
}

void dubbo_go_handler_call(void *ctx, dubbo_request *req) { goDubboHandlerCall((uintptr_t)ctx, req); }

void dubbo_go_handler_drop(void *ctx) { goDubboHandlerDrop((uintptr_t)ctx); }
