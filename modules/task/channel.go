//go:build unix

package task

import (
	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/luaargs"
	"github.com/safesh/safesh/internal/luaerr"
	lua "github.com/yuin/gopher-lua"
)

// channel is task.channel([size]): a queue of at most size values (0: a
// send waits for a receiver) between tasks.
type channel struct {
	s      *sched
	size   int
	buf    []lua.LValue
	closed bool
	recvq  []*task // tasks waiting in recv
	sendq  []*task // tasks waiting in send
}

const chanTypeName = "task.channel"

func openChannel(L *lua.LState) {
	mt := L.NewTypeMetatable(chanTypeName)
	L.SetField(mt, "__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"send":  chanSend,
		"recv":  chanRecv,
		"close": chanClose,
		"len":   chanLen,
	}))
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("task.channel"))
		return 1
	}))
}

func (m *module) channel(L *lua.LState) int {
	size := luaargs.OptInt(L, 1, 0)
	if size < 0 {
		luaargs.ArgError(L, 1, "size must be non-negative")
	}
	ud := L.NewUserData()
	ud.Value = &channel{s: m.s, size: size}
	L.SetMetatable(ud, L.GetTypeMetatable(chanTypeName))
	L.Push(ud)
	return 1
}

func checkChan(L *lua.LState) *channel {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if c, ok := ud.Value.(*channel); ok {
			return c
		}
	}
	luaargs.ArgError(L, 1, "task.channel expected, got "+luaargs.TypeName(L, 1))
	return nil
}

// wait blocks the current task on q until woken; it reports the error
// it was woken with (cancel, interrupt, deadlock).
func (c *channel) wait(L *lua.LState, q *[]*task) error {
	s := c.s
	if !s.Active() {
		L.RaiseError("channel: would wait for ever outside a task")
	}
	cur := s.current
	if s.stop != nil {
		return s.stop
	}
	if cur.cancelled {
		return errCancelled
	}
	*q = append(*q, cur)
	m := s.block(cur)
	*q = remove(*q, cur)
	return m.err
}

// chanSend is ch:send(v): it waits while the channel is full (for a
// receiver, if its size is 0). Sending on a closed channel raises.
func chanSend(L *lua.LState) int {
	c := checkChan(L)
	v := L.Get(2)
	for {
		if c.closed {
			L.RaiseError("send on a closed channel")
		}
		if len(c.recvq) > 0 {
			// A receiver waits: give it v directly.
			t := c.recvq[0]
			c.recvq = c.recvq[1:]
			t.recvVal, t.gotVal = v, true
			c.s.ready(t, wakeMsg{inherit.Ready, nil})
			L.Push(lua.LTrue)
			return 1
		}
		if len(c.buf) < c.size {
			c.buf = append(c.buf, v)
			L.Push(lua.LTrue)
			return 1
		}
		if err := c.wait(L, &c.sendq); err != nil {
			return luaerr.PushError(L, err)
		}
	}
}

// chanRecv is ch:recv(): the next value, waiting for one; nil, "closed"
// once the channel is closed and empty.
func chanRecv(L *lua.LState) int {
	c := checkChan(L)
	for {
		if len(c.buf) > 0 {
			v := c.buf[0]
			c.buf[0] = nil
			c.buf = c.buf[1:]
			c.wakeSender()
			L.Push(v)
			return 1
		}
		if c.closed {
			L.Push(lua.LNil)
			L.Push(lua.LString("closed"))
			return 2
		}
		c.wakeSender()
		s := c.s
		if !s.Active() {
			L.RaiseError("channel: would wait for ever outside a task")
		}
		cur := s.current
		err := c.wait(L, &c.recvq)
		if cur.gotVal {
			v := cur.recvVal
			cur.recvVal, cur.gotVal = nil, false
			L.Push(v)
			return 1
		}
		if err != nil {
			return luaerr.PushError(L, err)
		}
	}
}

// wakeSender lets the first waiting sender try again.
func (c *channel) wakeSender() {
	if len(c.sendq) > 0 {
		t := c.sendq[0]
		c.sendq = c.sendq[1:]
		c.s.ready(t, wakeMsg{inherit.Ready, nil})
	}
}

// chanClose is ch:close(): receivers get what is buffered, then nil,
// "closed"; waiting senders raise.
func chanClose(L *lua.LState) int {
	c := checkChan(L)
	if !c.closed {
		c.closed = true
		for _, t := range c.recvq {
			c.s.ready(t, wakeMsg{inherit.Ready, nil})
		}
		c.recvq = nil
		for _, t := range c.sendq {
			c.s.ready(t, wakeMsg{inherit.Ready, nil})
		}
		c.sendq = nil
	}
	L.Push(lua.LTrue)
	return 1
}

func chanLen(L *lua.LState) int {
	L.Push(lua.LNumber(len(checkChan(L).buf)))
	return 1
}
