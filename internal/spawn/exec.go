package spawn

import (
	"syscall"

	"github.com/safesh/safesh/inherit"
	"github.com/safesh/safesh/internal/policy"
	"github.com/safesh/safesh/internal/state"
)

// ExecOptions are the options os.exec takes: those of ChildOptions that
// make sense for the process's own image, and the descriptors it keeps at
// chosen numbers. A process group, a session and a parent-death signal
// are not among them: setsid cannot be undone after a failed exec.
var ExecOptions = []string{"cwd", "env", "env_extra", "umask", "rlimits", "restore_signals",
	"user", "group", "extra_groups", "pass_fds", "fds"}

// Exec replaces the process with the program s describes (os.exec),
// found and checked against the policy as Start finds and checks a
// child's, with the same options (ExecOptions, parsed by
// ParseChildOptions and ParseFdOptions): what the script's files
// buffered is written out first. Only a runtime that owns the process
// may; any other gets EPERM. It returns only on failure, with the process
// as it was (see inherit.Exec for what a failed exec cannot undo).
func Exec(st *state.State, s *Spec) error {
	dir := st.Policy.ChildDir(s.Dir)
	file := s.Program
	if file == "" && len(s.Argv) > 0 {
		file = s.Argv[0]
	}
	path, err := inherit.LookPath(file, s.Env, dir)
	if err == nil {
		err = st.Policy.ReplaceProcess(path)
	}
	if err == nil && !st.OwnsProcess {
		err = &policy.DeniedError{Op: "exec", Target: path, Errno: syscall.EPERM,
			Reason: "os.exec replaces the whole process: only a runtime that owns it (runtime.ExitProcess) may"}
	}
	if err != nil {
		return err
	}
	cred, rlimits, err := imageOptions(st, s)
	if err != nil {
		return err
	}
	// What the script's files buffered, as exit writes it out: errors
	// are left for the files to report, if the exec fails.
	st.FlushStdout()
	st.Fds.FlushAll(false)
	return inherit.Exec(path, s.Argv, &inherit.ExecAttr{
		Dir:            dir,
		Env:            st.Policy.ChildEnv(s.Env),
		Fds:            s.ChildFds,
		PassFds:        s.PassFds,
		Umask:          s.Umask,
		Rlimits:        rlimits,
		RestoreSignals: !s.KeepSignals,
		IgnoreSignals:  keptIgnored(st, s),
		Credential:     cred,
	})
}

// imageOptions checks the user, groups and limits of s against the
// policy and resolves them, as every child and os.exec's image get them.
func imageOptions(st *state.State, s *Spec) (*inherit.Credential, []inherit.Rlimit, error) {
	if s.User != "" || s.Group != "" || s.SetExtraGroups {
		// Before any lookup: a refused script learns nothing of the
		// password database.
		if err := st.Policy.ChildCredential(); err != nil {
			return nil, nil, err
		}
	}
	cred, err := credential(s)
	if err != nil {
		return nil, nil, err
	}
	var rlimits []inherit.Rlimit
	for _, r := range s.Rlimits {
		if err := st.Policy.ChildRlimit(r.Name, r.Rlimit); err != nil {
			return nil, nil, err
		}
		rlimits = append(rlimits, r.Rlimit)
	}
	return cred, rlimits, nil
}
