package spawn

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"syscall"

	"github.com/safesh/safesh/inherit"
)

// IdentityError is a user or group that names no one. It unwraps to
// EINVAL.
type IdentityError struct {
	Kind, Name string
}

func (e *IdentityError) Error() string {
	return fmt.Sprintf("spawn: %s %q: no such %s", e.Kind, e.Name, e.Kind)
}

// Unwrap returns EINVAL.
func (e *IdentityError) Unwrap() error { return syscall.EINVAL }

// credential resolves the user and groups of s in the parent (os/user:
// /etc/passwd and /etc/group without cgo, the system's NSS with it), or
// returns nil when s changes neither.
//
// It differs from Python where Python's defaults leave a child more than
// it was asked to have: when a privileged parent (euid 0) gives a user
// but no group, the child takes that user's primary group from the
// password database rather than keeping group 0; and given a user but no
// extra_groups, it drops the supplementary groups rather than keeping
// the parent's (root's). An unprivileged parent changes only what it was
// asked to (and gets EPERM for another ID).
func credential(s *Spec) (*inherit.Credential, error) {
	if s.User == "" && s.Group == "" && !s.SetExtraGroups {
		return nil, nil
	}
	c := &inherit.Credential{}
	primary := ""
	if s.User != "" {
		u, err := lookupUser(s.User)
		if err != nil {
			return nil, err
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		c.Uid, c.SetUid, primary = uint32(uid), true, u.Gid
	}
	root := os.Geteuid() == 0
	switch {
	case s.Group != "":
		gid, err := lookupGroup(s.Group)
		if err != nil {
			return nil, err
		}
		c.Gid, c.SetGid = gid, true
	case primary != "" && root:
		if gid, err := strconv.ParseUint(primary, 10, 32); err == nil {
			c.Gid, c.SetGid = uint32(gid), true
		}
	}
	switch {
	case s.SetExtraGroups:
		c.SetGroups, c.Groups = true, make([]uint32, 0, len(s.ExtraGroups))
		for _, g := range s.ExtraGroups {
			gid, err := lookupGroup(g)
			if err != nil {
				return nil, err
			}
			c.Groups = append(c.Groups, gid)
		}
	case c.SetUid && root:
		c.SetGroups = true
	}
	return c, nil
}

// lookupUser finds a user by name or decimal ID. An ID that the
// password database does not know is used as it is, with no primary
// group.
func lookupUser(name string) (*user.User, error) {
	if _, err := strconv.ParseUint(name, 10, 32); err == nil {
		if u, err := user.LookupId(name); err == nil {
			return u, nil
		}
		return &user.User{Uid: name}, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, &IdentityError{Kind: "user", Name: name}
	}
	return u, nil
}

// lookupGroup finds a group ID by name or decimal ID.
func lookupGroup(name string) (uint32, error) {
	if gid, err := strconv.ParseUint(name, 10, 32); err == nil {
		return uint32(gid), nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, &IdentityError{Kind: "group", Name: name}
	}
	gid, err := strconv.ParseUint(g.Gid, 10, 32)
	if err != nil {
		return 0, &IdentityError{Kind: "group", Name: name}
	}
	return uint32(gid), nil
}
