//go:build linux

package inherit_test

import (
	"testing"

	"github.com/safesh/safesh/inherit"
)

// BenchmarkStartProcessScript starts and reaps /bin/true as a script's
// default spawn does (RestoreSignals), and with every child option the
// child applies itself, on the fast path and on the fallback, where the
// options go through the trampoline.
func BenchmarkStartProcessScript(b *testing.B) {
	mask := 0o22
	for _, bc := range []struct {
		name     string
		fallback bool
		attr     inherit.ProcAttr
	}{
		{"default", false, inherit.ProcAttr{RestoreSignals: true}},
		{"options", false, inherit.ProcAttr{RestoreSignals: true, Umask: &mask, Pdeathsig: 15,
			Rlimits: []inherit.Rlimit{{Resource: 4, Cur: 0, Max: 0}}}},
		{"fallback-default", true, inherit.ProcAttr{RestoreSignals: true}},
		{"fallback-trampoline", true, inherit.ProcAttr{RestoreSignals: true, Umask: &mask, Pdeathsig: 15,
			Rlimits: []inherit.Rlimit{{Resource: 4, Cur: 0, Max: 0}}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			defer inherit.SetForceFallback(bc.fallback)()
			for b.Loop() {
				p, err := inherit.StartProcess("/bin/true", nil, &bc.attr)
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
