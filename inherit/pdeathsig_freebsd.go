package inherit

import "syscall"

// fallbackPdeathsig says whether syscall.ForkExec can set Pdeathsig here.
const fallbackPdeathsig = true

func setPdeathsig(sys *syscall.SysProcAttr, sig syscall.Signal) { sys.Pdeathsig = sig }
