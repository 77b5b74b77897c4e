//go:build dubbo_release

package dubbo

// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libdubbo.a -lm -ldl -lpthread
import "C"
