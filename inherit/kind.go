package inherit

// Kind says what a descriptor refers to, in the words of safesh's os.fds().
type Kind string

// The kinds of descriptor.
const (
	KindFile   Kind = "file"   // a regular file, a directory, a block device, or a character device that is not a terminal
	KindPipe   Kind = "pipe"   // a pipe or FIFO
	KindSocket Kind = "socket" // a socket of any family
	KindTTY    Kind = "tty"    // a terminal (including a pseudo-terminal)
	KindAnon   Kind = "anon"   // an anonymous inode: eventfd, epoll, pidfd, signalfd, timerfd...
	KindOther  Kind = "other"  // anything else
)

// MayBlock reports whether a read or write on a descriptor of this kind
// can wait for another party. Files never do, for this purpose.
func (k Kind) MayBlock() bool { return k != KindFile }
