//go:build unix && !(linux && (amd64 || arm64))

// This file is for platforms without the fast spawn path: StartProcess
// always uses syscall.ForkExec there.

package inherit

func startFast(path string, argv []string, attr *ProcAttr, files, pass []int) (p *Process, ok bool, err error) {
	return nil, false, nil
}
