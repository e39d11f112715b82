package os

import "syscall"

// openFlags are the os.O_* constants that Go's syscall package defines on
// Windows (os.open itself is not supported there yet).
var openFlags = map[string]int{
	"O_RDONLY":   syscall.O_RDONLY,
	"O_WRONLY":   syscall.O_WRONLY,
	"O_RDWR":     syscall.O_RDWR,
	"O_CREAT":    syscall.O_CREAT,
	"O_EXCL":     syscall.O_EXCL,
	"O_TRUNC":    syscall.O_TRUNC,
	"O_APPEND":   syscall.O_APPEND,
	"O_NONBLOCK": syscall.O_NONBLOCK,
	"O_CLOEXEC":  syscall.O_CLOEXEC,
}

const knownFlags = syscall.O_RDONLY | syscall.O_WRONLY | syscall.O_RDWR | syscall.O_CREAT | syscall.O_EXCL |
	syscall.O_TRUNC | syscall.O_APPEND | syscall.O_NONBLOCK | syscall.O_CLOEXEC
