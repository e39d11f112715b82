//go:build !linux

package lstate

const oTmpfile = 0
