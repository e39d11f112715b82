package repl

import (
	"context"
	"errors"
	goio "io"

	lua "github.com/yuin/gopher-lua"
)

// stdinLines reads lines through the runtime's io.stdin, so that the
// session and the chunks it runs share one buffer, as lua.c's fgets and
// io.read share C's stdin: a chunk that calls io.read() gets the line that
// follows it.
type stdinLines struct {
	s     *Session
	stdin lua.LValue     // the io.stdin object when the session began
	read  *lua.LFunction // its read method
}

func (s *Session) stdinLines() (*stdinLines, error) {
	L := s.rt.LState()
	loaded := L.GetField(L.GetField(L.Get(lua.GlobalsIndex), "package"), "loaded")
	stdin := L.GetField(L.GetField(loaded, "io"), "stdin")
	read, ok := L.GetField(stdin, "read").(*lua.LFunction)
	if stdin == lua.LNil || !ok {
		return nil, errors.New("repl: the runtime has no io.stdin to read")
	}
	return &stdinLines{s: s, stdin: stdin, read: read}, nil
}

// ReadLine implements LineReader; the prompt is not shown.
func (r *stdinLines) ReadLine(string) (string, error) {
	var line lua.LValue
	err := r.s.interruptible(context.Background(), func(ctx context.Context) error {
		res, err := r.s.rt.Call(ctx, r.read, r.stdin, lua.LString("*l"))
		if len(res) > 0 {
			line = res[0]
		}
		return err
	})
	switch {
	case errors.Is(err, context.Canceled):
		return "", ErrInterrupt
	case err != nil:
		// io.stdin was closed, or reading it failed: the input is over.
		r.s.report(err)
		return "", goio.EOF
	}
	s, ok := line.(lua.LString)
	if !ok {
		return "", goio.EOF
	}
	return string(s), nil
}
