package state

import "syscall"

// sigStop stands for SIGSTOP, which Windows lacks: signals are not
// supported there (inherit's Signal says so).
const sigStop = syscall.Signal(0x13)
