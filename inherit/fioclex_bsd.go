//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package inherit

// _IO('f', 1) and _IO('f', 2) from <sys/filio.h>, which
// golang.org/x/sys/unix does not define on every BSD.
const (
	fioclex  = 0x20006601
	fionclex = 0x20006602
)
