package io

import (
	goio "io"
	"sync"
)

// lockedWriter serializes writes to a host's writer, which need not be
// safe for concurrent use, between the io file and child relays.
type lockedWriter struct {
	mu sync.Mutex
	w  goio.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
