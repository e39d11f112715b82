package io

import (
	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/lstate"
	lua "github.com/yuin/gopher-lua"
)

// ioPopen implements io.popen(prog [, mode]): prog runs under /bin/sh -c
// with its standard output ("r") or input ("w") connected to the returned
// file; the child gets descriptors 0, 1 and 2 and nothing else. Closing
// the file waits for the child and returns true, "exit", status (or
// true, "signal", number): true first, as in Lua 5.1, then what Lua 5.2
// adds.
func (l *lib) ioPopen(L *lua.LState) int {
	prog := lstate.CheckString(L, 1)
	mode := lstate.CheckOption(L, 2, "r", "r", "w")
	if err := l.st.CheckProgram("/bin/sh"); err != nil {
		return lstate.PushError(L, err)
	}
	r, w, err := inherit.Pipe()
	if err != nil {
		return lstate.PushError(L, err)
	}
	files := []int{0, 1, 2}
	mine, theirs := r, w
	if mode == "r" {
		files[1] = w
	} else {
		files[0] = r
		mine, theirs = w, r
	}
	l.st.FlushStdout()
	p, err := inherit.StartProcess("/bin/sh", []string{"sh", "-c", prog}, &inherit.ProcAttr{Files: files, Env: l.st.ChildEnv(nil)})
	inherit.Close(theirs)
	if err != nil {
		inherit.Close(mine)
		return lstate.PushError(L, err)
	}
	l.st.AddChild(p, false)
	f := newFile(l.st, mine, "popen", mode == "r", mode == "w")
	l.st.Fds.Add(mine, f)
	st := l.st
	f.onClose = func() ([]any, error) {
		if _, err := st.WaitProcess(p, -1); err != nil {
			return nil, err
		}
		status, _ := p.Done()
		st.RemoveChild(p)
		if status.Signal != 0 {
			return []any{"signal", int(status.Signal)}, nil
		}
		return []any{"exit", status.Code}, nil
	}
	L.Push(l.userdata(L, f))
	return 1
}
