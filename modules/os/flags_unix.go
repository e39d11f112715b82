//go:build unix

package os

import "golang.org/x/sys/unix"

// openFlags are the os.O_* constants.
var openFlags = map[string]int{
	"O_RDONLY":    unix.O_RDONLY,
	"O_WRONLY":    unix.O_WRONLY,
	"O_RDWR":      unix.O_RDWR,
	"O_CREAT":     unix.O_CREAT,
	"O_EXCL":      unix.O_EXCL,
	"O_TRUNC":     unix.O_TRUNC,
	"O_APPEND":    unix.O_APPEND,
	"O_NONBLOCK":  unix.O_NONBLOCK,
	"O_NOFOLLOW":  unix.O_NOFOLLOW,
	"O_DIRECTORY": unix.O_DIRECTORY,
	"O_CLOEXEC":   unix.O_CLOEXEC,
}

const knownFlags = unix.O_RDONLY | unix.O_WRONLY | unix.O_RDWR | unix.O_CREAT | unix.O_EXCL |
	unix.O_TRUNC | unix.O_APPEND | unix.O_NONBLOCK | unix.O_NOFOLLOW | unix.O_DIRECTORY | unix.O_CLOEXEC
