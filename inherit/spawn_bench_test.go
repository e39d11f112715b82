//go:build linux

package inherit_test

import (
	"testing"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// BenchmarkStartProcess starts and reaps /bin/true passing one descriptor,
// a low one or one at 10010, on the path StartProcess takes here.
func BenchmarkStartProcess(b *testing.B) {
	for _, bc := range []struct {
		name string
		min  int
	}{{"low", 0}, {"fd10010", 10010}} {
		b.Run(bc.name, func(b *testing.B) {
			fd, err := unix.FcntlInt(0, unix.F_DUPFD_CLOEXEC, bc.min)
			if err != nil {
				b.Fatal(err)
			}
			defer unix.Close(fd)
			attr := &inherit.ProcAttr{PassFds: []int{fd}}
			for b.Loop() {
				p, err := inherit.StartProcess("/bin/true", nil, attr)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := p.Wait(-1, -1); err != nil {
					b.Fatal(err)
				}
				p.Release()
			}
		})
	}
}
