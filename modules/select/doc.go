// Package selectmod is safesh's select module, Python's select for
// waiting on many descriptors at once:
//
//	select.select(r, w, x [, timeout])  three arrays of the ready objects; poll(2) underneath
//	select.poll()                       a poll object: register, modify, unregister, poll([ms])
//	select.epoll([sizehint])            Linux: an epoll instance, epoll_create1(EPOLL_CLOEXEC)
//	select.POLLIN ... select.EPOLLIN ...  event constants
//
// The objects waited on may be descriptor numbers, io files, sockets and a
// proc's streams. A file with bytes read ahead in its buffer counts as
// readable. Every wait is interruptible by the runtime's context, and a
// restricted runtime may wait only on its own descriptors.
package selectmod
