// Package bench measures what safesh's Lua-level operations cost against
// the raw golang.org/x/sys system calls they wrap and against CPython doing
// the same work.
//
// Workloads lists each operation three ways: a Go loop over x/sys, a Lua
// loop body run by a safesh runtime, and a Python loop body. Run
//
//	go test ./bench -bench .              # Go and Lua, as Go benchmarks
//	go run ./bench/compare                # all three in one run, with ratios
//
// The machines are shared and noisy: compare ratios from one run, never
// absolute times across runs.
package bench
