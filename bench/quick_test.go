//go:build linux

package bench

import "testing"

func BenchmarkLuaRead4096(b *testing.B) {
	runLuaLoop(b, `local z = os.open("/dev/zero", "r") local read = os.read`, `read(z, 4096)`)
}
func BenchmarkLuaGetInheritable(b *testing.B) {
	runLuaLoop(b, `local z = os.open("/dev/zero", "r") local gi = os.get_inheritable`, `gi(z)`)
}
