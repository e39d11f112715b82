package lua

import "unsafe"

// What the alloc hook (SetAllocHook) is told that tables, closures and
// threads take: estimates, in bytes, of what Go allocates for them on a
// 64-bit platform. Growth is told once, when a capacity changes, not on
// every store.
const (
	// tableBytes is an LTable itself.
	tableBytes = int(unsafe.Sizeof(LTable{}))
	// arraySlotBytes is an element of a table's array part (an LValue,
	// an interface), and of the keys slice that orders its hash part.
	arraySlotBytes = int(unsafe.Sizeof(LValue(nil)))
	// hashSlotBytes is what one key adds to a table's maps besides its
	// slot in keys: its entry in strdict or dict (32 bytes) and in k2i
	// (24), each with a control byte, in maps at most 7/8 full. A map
	// is told by slots (mapSlots).
	hashSlotBytes = (32 + 1 + 24 + 1) * 8 / 7
	// closureBytes is an LFunction; each upvalue adds closureUpvalueBytes,
	// its pointer and, at most, a new Upvalue.
	closureBytes        = int(unsafe.Sizeof(LFunction{}))
	closureUpvalueBytes = int(unsafe.Sizeof(&Upvalue{})) + int(unsafe.Sizeof(Upvalue{}))
	// threadOtherBytes is what NewThread allocates besides the LState,
	// its registry and its call stack (threadBytes), as measured: the
	// Global that newLState makes and NewThread drops, the allocator,
	// a context.
	threadOtherBytes = 4 << 10
)

// alloc asks the alloc hook, which must be set, before n bytes are
// allocated: with the running thread, or with the state the hook was set
// on before any runs.
func (g *Global) alloc(n int) {
	L := g.CurrentThread
	if L == nil {
		L = g.allocState
	}
	g.allocHook(L, n)
}

// newLTableG is newLTable for a table of g's, asking g's alloc hook first.
func newLTableG(g *Global, acap, hcap int) *LTable {
	if g.allocHook != nil {
		g.alloc(tableSize(acap, hcap))
	}
	tb := newLTable(acap, hcap)
	tb.g = g
	return tb
}

// tableSize is what the alloc hook is told a new table takes.
func tableSize(acap, hcap int) int {
	return tableBytes + max(acap, 0)*arraySlotBytes + max(hcap, 0)*hashSlotBytes
}

// growArray asks the alloc hook, if any, before the array part grows to
// hold n elements (n > its capacity): for the slice that replaces it.
func (tb *LTable) growArray(n int) {
	if tb.g != nil && tb.g.allocHook != nil {
		tb.g.alloc(growCap(cap(tb.array), n, defaultArrayCap) * arraySlotBytes)
	}
}

// growMap asks the alloc hook, if any, before a map of the hash part is
// made with room for n keys.
func (tb *LTable) growMap(n int) {
	if tb.g != nil && tb.g.allocHook != nil {
		tb.g.alloc(mapSlots(n) * hashSlotBytes)
	}
}

// growKeys asks the alloc hook, if any, before a new key is added to a
// hash part whose keys slice is full: for the slice that replaces it, and
// for the maps' share of the keys it makes room for.
func (tb *LTable) growKeys() {
	if tb.g != nil && tb.g.allocHook != nil {
		c := cap(tb.keys)
		nc := growCap(c, c+1, 1)
		tb.g.alloc(nc*arraySlotBytes + (mapSlots(nc)-mapSlots(c))*hashSlotBytes)
	}
}

// mapSlots returns what the alloc hook is told a Go map of n keys takes,
// in slots: a group of 8 once it has a key, and past it each slot twice,
// for the tables the map drops as it grows.
func mapSlots(n int) int {
	if n == 0 {
		return 0
	}
	return max(2*n-8, 8)
}

// growCap returns the capacity a slice of capacity c has once append has
// made room for n elements, as Go's append grows it (twice the capacity,
// 1.25 times from 256), from first if c is 0.
func growCap(c, n, first int) int {
	if c == 0 {
		c = first
	}
	for c < n {
		if c < 256 {
			c *= 2
		} else {
			c += (c + 3*256) / 4
		}
	}
	return c
}

// closureSize is what the alloc hook is told a closure with n upvalues
// takes.
func closureSize(n int) int { return closureBytes + n*closureUpvalueBytes }

// threadBytes is what the alloc hook is told NewThread takes for a thread
// with options o: the LState, its registry and its call stack.
func threadBytes(o Options) int {
	n := int(unsafe.Sizeof(LState{})) + o.RegistrySize*arraySlotBytes + threadOtherBytes
	if o.MinimizeStackMemory {
		n += int(unsafe.Sizeof(callFrameStackSegment{})) + (o.CallStackSize+FramesPerSegment-1)/FramesPerSegment*8
	} else {
		n += o.CallStackSize * int(unsafe.Sizeof(callFrame{}))
	}
	return n
}
