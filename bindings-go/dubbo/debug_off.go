//go:build !dubbo_debug

package dubbo

func debugGC() {}
