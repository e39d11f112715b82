//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package inherit

import "golang.org/x/sys/unix"

// msgNoSignal keeps a send to a closed peer from raising SIGPIPE.
const msgNoSignal = unix.MSG_NOSIGNAL
