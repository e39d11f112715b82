//go:build unix

package socket

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	"github.com/safesh/safesh/internal/policy"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// The address families a name may resolve to: ipAny takes both, in the
// resolver's order.
const (
	ipAny = 0
	ip4   = unix.AF_INET
	ip6   = unix.AF_INET6
)

// resolve returns the addresses of host for family (ipAny, ip4 or ip6).
// An IP literal is used as is; "" is the unspecified address (0.0.0.0, or
// :: for ip6); a name is looked up with Go's resolver, bounded by timeout
// (negative: none) and interruptible, and only if the runtime's policy
// lets op reach the name on port (see state.State.MayResolve).
//
// A name that cannot be resolved gives an errno of its own, since
// getaddrinfo's EAI_* codes are not errnos: ENOENT when the name does not
// exist (EAI_NONAME), EAGAIN for a temporary failure (EAI_AGAIN),
// ETIMEDOUT when the lookup timed out, EIO otherwise.
func (l *lib) resolve(host string, port, family int, timeout time.Duration, op string) ([]netip.Addr, error) {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	if host == "" {
		if family == ip6 {
			return []netip.Addr{netip.IPv6Unspecified()}, nil
		}
		return []netip.Addr{netip.IPv4Unspecified()}, nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		ip = ip.Unmap()
		if family != ipAny && familyOf(ip) != family {
			return nil, &fs.PathError{Op: op, Path: addr, Err: syscall.EAFNOSUPPORT}
		}
		return []netip.Addr{ip}, nil
	}
	if err := l.st.Policy.MayResolve(op, host, port); err != nil {
		return nil, err
	}
	ctx := l.st.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if timeout >= 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	network := "ip"
	switch family {
	case ip4:
		network = "ip4"
	case ip6:
		network = "ip6"
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
	if err == nil && len(ips) == 0 {
		err = &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if err != nil {
		if parent := l.st.Context(); parent != nil && parent.Err() != nil {
			return nil, luaerr.ErrInterrupted
		}
		if ctx.Err() != nil {
			return nil, errTimeout
		}
		return nil, &fs.PathError{Op: op, Path: addr, Err: lookupError(err)}
	}
	for i := range ips {
		ips[i] = ips[i].Unmap()
	}
	return ips, nil
}

// resolveOne returns the first address of host for family.
func (l *lib) resolveOne(host string, port, family int, timeout time.Duration, op string) (netip.Addr, error) {
	ips, err := l.resolve(host, port, family, timeout, op)
	if err != nil {
		return netip.Addr{}, err
	}
	return ips[0], nil
}

// lookupError gives a resolver's error an errno (see resolve).
func lookupError(err error) error {
	msg, errno := err.Error(), syscall.EIO
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		msg = dnsErr.Err
		switch {
		case dnsErr.IsNotFound:
			errno = syscall.ENOENT
		case dnsErr.IsTimeout:
			errno = syscall.ETIMEDOUT
		case dnsErr.IsTemporary:
			errno = syscall.EAGAIN
		}
	}
	return &errnoError{msg, errno}
}

// familyOf returns the socket family of an address.
func familyOf(ip netip.Addr) int {
	if ip.Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// sockaddrOf returns the socket address of ip and port.
func sockaddrOf(ip netip.Addr, port int) unix.Sockaddr {
	if ip.Is4() {
		return &unix.SockaddrInet4{Port: port, Addr: ip.As4()}
	}
	sa := &unix.SockaddrInet6{Port: port, Addr: ip.As16()}
	if zone := ip.Zone(); zone != "" {
		if id, err := strconv.Atoi(zone); err == nil {
			sa.ZoneId = uint32(id)
		} else if ifi, err := net.InterfaceByName(zone); err == nil {
			sa.ZoneId = uint32(ifi.Index)
		}
	}
	return sa
}

// sockaddr reads the address arguments of a call on s from argument n on:
// a path for a unix socket, host and port otherwise, and resolves the host
// for the socket's family. The runtime's policy must allow the address:
// binding needs a listen grant, connecting and sending a connect grant,
// and a unix socket path a writable granted directory. Once the address
// has been used, done must be given the call's error: it releases what
// the policy holds for the address, and names in the error the path the
// script gave, rather than the one the policy made of it.
func (l *lib) sockaddr(L *lua.LState, s *Socket, n int, op string) (sa unix.Sockaddr, done func(error) error, err error) {
	if s.family == unix.AF_UNIX {
		path := luaargs.CheckString(L, n)
		if L.Get(n+1) != lua.LNil {
			luaargs.ArgError(L, n+1, "a unix socket's address is a path alone")
		}
		if strings.IndexByte(path, 0) > 0 {
			// The kernel would take the name up to the NUL: a path
			// other than the one the script gave, and the policy checked.
			return nil, nil, &fs.PathError{Op: op, Path: strings.ReplaceAll(path, "\x00", `\0`), Err: errNulInPath}
		}
		safe, release, err := l.st.Policy.UnixPath(op, path)
		if err != nil {
			return nil, nil, err
		}
		return &unix.SockaddrUnix{Name: safe}, func(err error) error {
			release()
			var pe *fs.PathError
			if safe != path && errors.As(err, &pe) && pe.Path == safe {
				return &fs.PathError{Op: pe.Op, Path: path, Err: pe.Err}
			}
			return err
		}, nil
	}
	host := luaargs.CheckString(L, n)
	port := checkPort(L, n+1)
	ip, err := l.resolveOne(host, port, s.family, s.timeout, op)
	if err != nil {
		return nil, nil, err
	}
	if err := l.allowed(op, host, ip, port); err != nil {
		return nil, nil, err
	}
	return sockaddrOf(ip, port), func(err error) error { return err }, nil
}

// errNulInPath is the error of a unix socket path with a NUL byte in it
// (not first: a first NUL names an abstract socket).
var errNulInPath = &errnoError{"invalid argument (a NUL byte in the path)", syscall.EINVAL}

// allowed checks an address against the runtime's network policy: bind
// against the listen grants, anything else against the connect grants.
func (l *lib) allowed(op, host string, ip netip.Addr, port int) error {
	if op == "bind" {
		return l.st.Policy.Listen(host, net.IP(ip.AsSlice()), port)
	}
	return l.st.Policy.Connect(host, net.IP(ip.AsSlice()), port)
}

// allowedAs is allowed, with a refusal named by the call the script made
// (name: listen, recv_fds) rather than by the check (op: bind, connect).
func (l *lib) allowedAs(name, op, host string, ip netip.Addr, port int) error {
	err := l.allowed(op, host, ip, port)
	var de *policy.DeniedError
	if errors.As(err, &de) {
		named := *de
		named.Op = name
		return &named
	}
	return err
}

// inetAddr returns the address and port of an IPv4 or IPv6 socket
// address; false for any other.
func inetAddr(sa unix.Sockaddr) (netip.Addr, int, bool) {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrFrom4(sa.Addr), sa.Port, true
	case *unix.SockaddrInet6:
		return netip.AddrFrom16(sa.Addr).Unmap(), sa.Port, true
	}
	return netip.Addr{}, 0, false
}

// pushAddr pushes a socket address as scripts see it: host and port, or a
// unix socket's path ("" for an unnamed one). It returns how many values
// it pushed.
func pushAddr(L *lua.LState, sa unix.Sockaddr) int {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		L.Push(lua.LString(netip.AddrFrom4(sa.Addr).String()))
		L.Push(lua.LNumber(sa.Port))
		return 2
	case *unix.SockaddrInet6:
		ip := netip.AddrFrom16(sa.Addr)
		if sa.ZoneId != 0 {
			zone := strconv.Itoa(int(sa.ZoneId))
			if ifi, err := net.InterfaceByIndex(int(sa.ZoneId)); err == nil {
				zone = ifi.Name
			}
			ip = ip.WithZone(zone)
		}
		L.Push(lua.LString(ip.String()))
		L.Push(lua.LNumber(sa.Port))
		return 2
	case *unix.SockaddrUnix:
		name := sa.Name
		if name == "@" {
			// x/sys cannot tell an unnamed socket (no path at all)
			// from an empty abstract name: the first is far likelier.
			name = ""
		}
		L.Push(lua.LString(name))
		return 1
	case nil:
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LString(inherit.AddrString(sa)))
	return 1
}
