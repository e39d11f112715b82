//go:build race

package tests

// slowdown is how much longer the race detector makes Lua code run: the
// bounds of long scripts are multiplied by it.
const slowdown = 10
