//go:build unix && !netbsd

package time

import "golang.org/x/sys/unix"

const clockMonotonic = unix.CLOCK_MONOTONIC
