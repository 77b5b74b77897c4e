//go:build dubbo_debug

package dubbo

import "runtime"

// With -tags dubbo_debug every handle accessor collects garbage first, so that a
// missing runtime.KeepAlive shows up as a crash in tests (wasmtime-go's trick).
func debugGC() { runtime.GC() }
