//go:build unix

package lstate

import "syscall"

const oDirectory = syscall.O_DIRECTORY
