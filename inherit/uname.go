package inherit

// Uname is what uname(2) says of the system.
type Uname struct {
	Sysname, Nodename, Release, Version, Machine string
}
