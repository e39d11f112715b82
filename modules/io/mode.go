package io

import (
	"strings"
	"syscall"
)

// ParseMode converts a C fopen-style mode string ("r", "w", "a", each with
// optional "+", and "b" and "x" in any order after the first letter) into
// open(2) flags. "x" (exclusive create, C11) is refused with "r". ok is
// false for any other string.
func ParseMode(mode string) (flags int, readable, writable, ok bool) {
	if mode == "" {
		return 0, false, false, false
	}
	rest := mode[1:]
	for _, c := range rest {
		if !strings.ContainsRune("+bx", c) || strings.Count(rest, string(c)) > 1 {
			return 0, false, false, false
		}
	}
	plus, excl := strings.Contains(rest, "+"), strings.Contains(rest, "x")
	switch mode[0] {
	case 'r':
		if excl {
			return 0, false, false, false
		}
		flags, readable = syscall.O_RDONLY, true
	case 'w':
		flags, writable = syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC, true
	case 'a':
		flags, writable = syscall.O_WRONLY|syscall.O_CREAT|syscall.O_APPEND, true
	default:
		return 0, false, false, false
	}
	if plus {
		flags = flags&^(syscall.O_RDONLY|syscall.O_WRONLY) | syscall.O_RDWR
		readable, writable = true, true
	}
	if excl {
		flags |= syscall.O_EXCL
	}
	return flags, readable, writable, true
}
