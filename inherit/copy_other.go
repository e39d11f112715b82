//go:build unix && !linux

package inherit

// copySteps are the ways CopyFd tries, in order: only the read/write loop
// (the BSDs' and darwin's sendfile sends to sockets only).
var copySteps = []copyStep{copyReadWrite}
