package spawn

import (
	"slices"

	"github.com/safesh/safesh/internal/state"
)

// passFds returns the descriptors a child of s gets at their own numbers:
// s.PassFds, and with s.InheritFds what the policy lets close_fds = false
// give (policy.Policy.InheritedFds): every inheritable descriptor of the
// process (all), or the runtime's own inheritable ones, listed.
func passFds(st *state.State, s *Spec) (pass []int, all bool) {
	if !s.InheritFds {
		return s.PassFds, false
	}
	fds, all := st.Policy.InheritedFds(st.Fds.Fds())
	return append(slices.Clip(s.PassFds), fds...), all
}
