package inherit

import (
	"os"
	"strconv"
	"strings"
)

// Halted reports whether process pid is stopped, a zombie or gone, as
// /proc/PID/stat shows it: a process sent SIGSTOP runs on until the
// signal is delivered, and may fork meanwhile.
func Halted(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return true
	}
	switch s[i+2] {
	case 'T', 't', 'Z', 'X':
		return true
	}
	return false
}
