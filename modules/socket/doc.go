// Package socket is safesh's socket module, in the manner of Python's
// socket module: every socket it creates, accepts, duplicates or receives
// is non-inheritable from the moment it exists (SOCK_CLOEXEC, accept4,
// F_DUPFD_CLOEXEC, MSG_CMSG_CLOEXEC), and sockets stay blocking at the OS
// level, so that a socket handed to a child behaves as the child expects.
//
//	socket.socket([family [, type [, proto]]])      sock; family "inet" "inet6" "unix", type "stream" "dgram" "seqpacket"
//	socket.socketpair([family [, type]])            a, b; default "unix", "stream"
//	socket.fromfd(fd [, family, type])              sock on a non-inheritable duplicate of fd
//	socket.create_connection(host, port [, timeout]) sock connected to the first address of host that answers
//	socket.create_server(host, port [, backlog])    sock listening, with SO_REUSEADDR
//	socket.send_fds(sock, data, fds)                bytes sent; fds travel with SCM_RIGHTS
//	socket.recv_fds(sock, bufsize, maxfds)          data, fds, truncated; fds are non-inheritable
//
// Socket methods: bind(host, port | path), listen([backlog]), accept() →
// conn, host, port (conn, path for unix), connect(host, port | path),
// send(s) → n, sendall(s) → true, sendto(s, host, port | path) → n,
// recv(n) → string ("" at end of stream), recvfrom(n) → string, host, port
// (string, path), shutdown("r" | "w" | "rw"), close(), fileno(), dup(),
// get_inheritable(), set_inheritable(bool), settimeout(seconds | nil),
// gettimeout(), setblocking(bool), setsockopt(name, value),
// getsockopt(name), getsockname(), getpeername().
//
// A failing call returns nil, message, errno; a call that times out
// returns nil, "timeout", errno.ETIMEDOUT. Misuse, including any use of a
// closed socket, raises an error. docs/socket.md is the reference.
package socket
