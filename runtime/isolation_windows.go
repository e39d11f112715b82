package runtime

import (
	"context"
	"errors"

	lua "github.com/yuin/gopher-lua"
)

// worker is not supported on Windows.
type worker struct{}

func newIsolated(config) (*Runtime, error) {
	return nil, errors.New("runtime: WithIsolation: not supported on windows")
}

func (r *Runtime) isoRequest(context.Context, byte, ...any) ([]lua.LValue, error) {
	return nil, errors.ErrUnsupported
}

func (r *Runtime) closeIsolated() error { return nil }

// ServeIsolated does nothing on Windows, where WithIsolation is not
// supported.
func ServeIsolated() {}
