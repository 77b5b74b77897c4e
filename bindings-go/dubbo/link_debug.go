//go:build !dubbo_release

package dubbo

// #cgo LDFLAGS: ${SRCDIR}/../../target/debug/libdubbo.a -lm -ldl -lpthread
import "C"
