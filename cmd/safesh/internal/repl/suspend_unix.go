//go:build unix

package repl

import "syscall"

// suspend stops the process group, as the terminal's Ctrl-Z does, and
// returns once it is continued.
func suspend() { syscall.Kill(0, syscall.SIGTSTP) }
