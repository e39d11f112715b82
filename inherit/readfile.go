package inherit

import "syscall"

// ReadFile reads the whole file at path through Open and Read, not Go's
// os package, which would start Go's poller (an epoll instance and an
// eventfd) in a process that may have no other use for it.
func ReadFile(path string) ([]byte, error) {
	fd, err := Open(path, syscall.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer Close(fd)
	var data []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := Read(fd, buf)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return data, nil
		}
		data = append(data, buf[:n]...)
	}
}
