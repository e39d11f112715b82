package os

import (
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// errnos lists the names os.errno holds. Where two names share a number,
// the first one listed is the name the reverse lookup gives.
var errnos = []struct {
	name  string
	errno syscall.Errno
}{
	{"EPERM", syscall.EPERM}, {"ENOENT", syscall.ENOENT}, {"ESRCH", syscall.ESRCH},
	{"EINTR", syscall.EINTR}, {"EIO", syscall.EIO}, {"ENXIO", syscall.ENXIO},
	{"E2BIG", syscall.E2BIG}, {"ENOEXEC", syscall.ENOEXEC}, {"EBADF", syscall.EBADF},
	{"ECHILD", syscall.ECHILD}, {"EAGAIN", syscall.EAGAIN}, {"EWOULDBLOCK", syscall.EWOULDBLOCK},
	{"ENOMEM", syscall.ENOMEM}, {"EACCES", syscall.EACCES}, {"EFAULT", syscall.EFAULT},
	{"EBUSY", syscall.EBUSY}, {"EEXIST", syscall.EEXIST}, {"EXDEV", syscall.EXDEV},
	{"ENODEV", syscall.ENODEV}, {"ENOTDIR", syscall.ENOTDIR}, {"EISDIR", syscall.EISDIR},
	{"EINVAL", syscall.EINVAL}, {"ENFILE", syscall.ENFILE}, {"EMFILE", syscall.EMFILE},
	{"ENOTTY", syscall.ENOTTY}, {"ETXTBSY", syscall.ETXTBSY}, {"EFBIG", syscall.EFBIG},
	{"ENOSPC", syscall.ENOSPC}, {"ESPIPE", syscall.ESPIPE}, {"EROFS", syscall.EROFS},
	{"EMLINK", syscall.EMLINK}, {"EPIPE", syscall.EPIPE}, {"EDOM", syscall.EDOM},
	{"ERANGE", syscall.ERANGE}, {"EDEADLK", syscall.EDEADLK}, {"ENAMETOOLONG", syscall.ENAMETOOLONG},
	{"ENOSYS", syscall.ENOSYS}, {"ENOTEMPTY", syscall.ENOTEMPTY}, {"ELOOP", syscall.ELOOP},
	{"ENOTSOCK", syscall.ENOTSOCK}, {"EDESTADDRREQ", syscall.EDESTADDRREQ}, {"EMSGSIZE", syscall.EMSGSIZE},
	{"EPROTOTYPE", syscall.EPROTOTYPE}, {"EPROTONOSUPPORT", syscall.EPROTONOSUPPORT},
	{"EOPNOTSUPP", syscall.EOPNOTSUPP}, {"ENOTSUP", syscall.ENOTSUP},
	{"EAFNOSUPPORT", syscall.EAFNOSUPPORT}, {"EADDRINUSE", syscall.EADDRINUSE},
	{"EADDRNOTAVAIL", syscall.EADDRNOTAVAIL}, {"ENETDOWN", syscall.ENETDOWN},
	{"ENETUNREACH", syscall.ENETUNREACH}, {"ECONNABORTED", syscall.ECONNABORTED},
	{"ECONNRESET", syscall.ECONNRESET}, {"ENOBUFS", syscall.ENOBUFS}, {"EISCONN", syscall.EISCONN},
	{"ENOTCONN", syscall.ENOTCONN}, {"ETIMEDOUT", syscall.ETIMEDOUT},
	{"ECONNREFUSED", syscall.ECONNREFUSED}, {"EHOSTUNREACH", syscall.EHOSTUNREACH},
	{"EALREADY", syscall.EALREADY}, {"EINPROGRESS", syscall.EINPROGRESS},
}

// errnoTable builds os.errno: each name maps to its number, and each
// number back to a name.
func errnoTable(L *lua.LState) *lua.LTable {
	t := L.CreateTable(len(errnos), len(errnos))
	for _, e := range errnos {
		t.RawSetString(e.name, lua.LNumber(e.errno))
		if t.RawGetInt(int(e.errno)) == lua.LNil {
			t.RawSetInt(int(e.errno), lua.LString(e.name))
		}
	}
	return t
}
