//go:build unix && !linux

package inherit

// execCredentials says whether Exec can change IDs here: without
// setresuid's saved IDs, a failed exec could not go back.
const execCredentials = false

// execImage is execShared: the process's descriptor table and directory
// cannot be made one thread's own here.
func execImage(path string, argv, env []string, attr *ExecAttr) error {
	return execShared(path, argv, env, attr)
}

// execSignals does nothing here: RestoreSignals and IgnoreSignals have no
// effect (see ExecAttr).
func execSignals(attr *ExecAttr, undo *undoList) error { return nil }

func execCredential(c *Credential, undo *undoList) error { return nil }
