//go:build !linux

package cgroup

// Group is a control group; there are none on this system.
type Group struct{}

// New returns ErrUnsupported: control groups are a Linux feature.
func New(lim Limits) (*Group, error) { return nil, ErrUnsupported }

// Add does nothing: there are no control groups here.
func (g *Group) Add(pid int) error { return ErrUnsupported }

// Members returns no process: there are no control groups here.
func (g *Group) Members() ([]int, error) { return nil, nil }

// OOMKills returns 0: there are no control groups here.
func (g *Group) OOMKills() int { return 0 }

// Kill does nothing: there are no control groups here.
func (g *Group) Kill() error { return nil }

// Remove does nothing: there are no control groups here.
func (g *Group) Remove() error { return nil }
