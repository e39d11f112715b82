package inherit

// FdInfo describes one open descriptor of the process, as ListFds sees it.
type FdInfo struct {
	Fd          int
	Inheritable bool   // close-on-exec is clear
	Kind        Kind   // what it refers to
	Target      string // what /proc/self/fd shows for it, where the OS has that; else ""
}
