//go:build !linux

package inherit

import "errors"

// SetChildSubreaper is not supported here: an orphaned descendant goes to
// init.
func SetChildSubreaper() error {
	return errors.New("inherit: no child subreaper on this system")
}

// OwnChildren returns nil: there is no /proc to list them.
func OwnChildren() []int { return nil }
