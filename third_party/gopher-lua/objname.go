package lua

import "fmt"

// This file names the variable a failing instruction used, for error
// messages in Lua's form: "attempt to call a nil value (global 'f')". It
// follows Lua's getobjname (ldebug.c): the register's local name if it is
// a live local, else what the last instruction that set it loaded, when
// no jump could have skipped that instruction.

// varInfo returns " (kind 'name')" for register reg of the Lua function
// running in ls at its current instruction, or "" when it cannot be named
// (a temporary, a constant, or a Go function running).
func (ls *LState) varInfo(reg int) string {
	cf := ls.currentFrame
	if cf == nil || cf.Fn == nil || cf.Fn.IsG || cf.Pc < 1 {
		return ""
	}
	if kind, name := objName(cf.Fn.Proto, cf.Pc-1, reg); kind != "" {
		return fmt.Sprintf(" (%s '%s')", kind, name)
	}
	return ""
}

// currentInst returns the instruction the running Lua function is at, and
// false when a Go function runs.
func (ls *LState) currentInst() (uint32, bool) {
	cf := ls.currentFrame
	if cf == nil || cf.Fn == nil || cf.Fn.IsG || cf.Pc < 1 || cf.Pc > len(cf.Fn.Proto.Code) {
		return 0, false
	}
	return cf.Fn.Proto.Code[cf.Pc-1], true
}

// rkInfo is varInfo for an RK operand: a constant is not named.
func (ls *LState) rkInfo(rk int) string {
	if opIsK(rk) {
		return ""
	}
	return ls.varInfo(rk)
}

// objName returns the kind ("local", "global", "field", "method",
// "upvalue") and the name of what register reg holds at instruction pc of
// proto, or "", "".
func objName(proto *FunctionProto, pc, reg int) (string, string) {
	if name := localName(proto, reg, pc); name != "" {
		return "local", name
	}
	setpc := findSetReg(proto, pc, reg)
	if setpc < 0 {
		return "", ""
	}
	inst := proto.Code[setpc]
	switch opGetOpCode(inst) {
	case OP_MOVE:
		if b := opGetArgB(inst); b < opGetArgA(inst) {
			return objName(proto, setpc, b)
		}
	case OP_GETGLOBAL:
		return "global", constName(proto, opGetArgBx(inst))
	case OP_GETTABLE, OP_GETTABLEKS:
		if c := opGetArgC(inst); opIsK(c) {
			if name := constName(proto, opIndexK(c)); name != "" {
				return "field", name
			}
		}
	case OP_SELF:
		if c := opGetArgC(inst); opIsK(c) {
			if name := constName(proto, opIndexK(c)); name != "" {
				return "method", name
			}
		}
	case OP_GETUPVAL:
		if b := opGetArgB(inst); b < len(proto.DbgUpvalues) {
			return "upvalue", proto.DbgUpvalues[b]
		}
	}
	return "", ""
}

// localName returns the name of the local variable in register reg at
// instruction pc, or "": the n-th local alive there is in register n.
func localName(proto *FunctionProto, reg, pc int) string {
	n := reg
	for _, lv := range proto.DbgLocals {
		if lv.StartPc > pc {
			break
		}
		if pc < lv.EndPc {
			if n == 0 {
				return lv.Name
			}
			n--
		}
	}
	return ""
}

// constName returns constant i of proto if it is a string, else "".
func constName(proto *FunctionProto, i int) string {
	if i < len(proto.Constants) {
		if s, ok := proto.Constants[i].(LString); ok {
			return string(s)
		}
	}
	return ""
}

// findSetReg returns the last instruction before lastpc that set register
// reg, or -1 if none did or a jump may have skipped it (Lua's findsetreg).
func findSetReg(proto *FunctionProto, lastpc, reg int) int {
	setreg, jmptarget := -1, 0
	for pc := 0; pc < lastpc && pc < len(proto.Code); pc++ {
		inst := proto.Code[pc]
		op, a := opGetOpCode(inst), opGetArgA(inst)
		change := false
		switch op {
		case OP_LOADNIL:
			change = a <= reg && reg <= opGetArgB(inst)
		case OP_TFORLOOP:
			change = reg >= a+2
		case OP_CALL, OP_TAILCALL:
			change = reg >= a
		case OP_JMP:
			if dest := pc + 1 + opGetArgSbx(inst); dest <= lastpc && dest > jmptarget {
				jmptarget = dest
			}
		default:
			change = op < len(opProps) && opProps[op].SetRegA && reg == a
		}
		if change {
			if pc < jmptarget {
				setreg = -1
			} else {
				setreg = pc
			}
		}
	}
	return setreg
}

// concatInfo is varInfo for absolute register reg of a CONCAT the running
// Lua function executes, or "".
func (ls *LState) concatInfo(reg int) string {
	if inst, ok := ls.currentInst(); !ok || opGetOpCode(inst) != OP_CONCAT {
		return ""
	}
	return ls.varInfo(reg - ls.currentFrame.LocalBase)
}

// callInfo is varInfo for the function a CALL or TAILCALL calls, or "".
func (ls *LState) callInfo() string {
	if inst, ok := ls.currentInst(); ok {
		if op := opGetOpCode(inst); op == OP_CALL || op == OP_TAILCALL {
			return ls.varInfo(opGetArgA(inst))
		}
	}
	return ""
}

// indexInfo is varInfo for the object a GETTABLE, GETTABLEKS or SELF
// indexes, or a SETTABLE or SETTABLEKS assigns into, or "". chain counts
// the __index (or __newindex) steps taken from that object: past the
// first, the value indexed is not the variable's.
func (ls *LState) indexInfo(chain int) string {
	if inst, ok := ls.currentInst(); ok && chain == 0 {
		switch opGetOpCode(inst) {
		case OP_GETTABLE, OP_GETTABLEKS, OP_SELF:
			return ls.varInfo(opGetArgB(inst))
		case OP_SETTABLE, OP_SETTABLEKS:
			return ls.varInfo(opGetArgA(inst))
		}
	}
	return ""
}

// typeName is v's type name, "nil" for no value at all.
func typeName(v LValue) string {
	if v == nil {
		return "nil"
	}
	return v.Type().String()
}
