//go:build linux && (386 || amd64 || arm || arm64 || loong64 || riscv64 || s390x)

package inherit

// The asm-generic ioctl numbers (include/uapi/asm-generic/ioctls.h), which
// golang.org/x/sys/unix does not define.
const (
	fionclex = 0x5450
	fioclex  = 0x5451
)
