package inherit

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// A Root is a directory that opens, removes and renames files only beneath
// itself: "..", symbolic links that point out, and /proc's magic links
// cannot lead elsewhere. On Linux the kernel enforces it (openat2 with
// RESOLVE_BENEATH and RESOLVE_NO_MAGICLINKS); elsewhere, and on kernels
// before 5.6, Go's os.Root does.
type Root struct {
	name  string   // the directory as given, for errors
	fd    int      // an O_PATH descriptor of it, or -1
	root  *os.Root // the fallback, or nil
	check func(fd int) error
}

// SetCheck makes the file system calls beyond Open, Remove and Rename
// (Stat, Mkdir, Readlink, Chmod, OpenDir, ...) ask check about the file
// or directory they act on, or the directory of the name they act on,
// once it is open and before they act: an error from check is the call's
// error. (Only Linux's openat2 Root has descriptors to ask about.)
func (r *Root) SetCheck(check func(fd int) error) { r.check = check }

// checked asks the check about fd, which is closed on a refusal.
func (r *Root) checked(op, path string, fd int) error {
	if r.check == nil {
		return nil
	}
	if err := r.check(fd); err != nil {
		Close(fd)
		return &fs.PathError{Op: op, Path: path, Err: err}
	}
	return nil
}

// Name returns the directory the Root was opened with.
func (r *Root) Name() string { return r.name }

// Close releases the Root.
func (r *Root) Close() error {
	if r.root != nil {
		return r.root.Close()
	}
	return Close(r.fd)
}

// cleanRel checks and cleans a path relative to a root.
func cleanRel(op, path string) (string, error) {
	if filepath.IsAbs(path) {
		return "", &fs.PathError{Op: op, Path: path, Err: syscall.EINVAL}
	}
	return filepath.Clean(path), nil
}

// splitParent splits a cleaned relative path into its directory and last
// element, refusing the root itself.
func splitParent(op, path string) (string, string, error) {
	if path == "." || path == ".." || strings.HasSuffix(path, "/..") {
		return "", "", &fs.PathError{Op: op, Path: path, Err: syscall.EACCES}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return filepath.Clean(dir), base, nil
}

// openRootFallback opens a Root on Go's os.Root.
func openRootFallback(dir string) (*Root, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Root{name: dir, fd: -1, root: root}, nil
}

// openFallback opens through os.Root, and keeps a close-on-exec copy of
// the descriptor that os.File does not own.
func (r *Root) openFallback(path string, flag int, perm uint32) (int, error) {
	f, err := r.root.OpenFile(path, flag, fs.FileMode(perm))
	if err != nil {
		return -1, err
	}
	defer f.Close()
	sc, err := f.SyscallConn()
	if err != nil {
		return -1, err
	}
	nfd := -1
	cerr := sc.Control(func(fd uintptr) { nfd, err = Dup(int(fd)) })
	if cerr != nil {
		return -1, cerr
	}
	return nfd, err
}

// tempName returns prefix followed by random characters: a name for a new
// temporary file.
func tempName(prefix string) string {
	var rnd [6]byte
	rand.Read(rnd[:])
	return prefix + hex.EncodeToString(rnd[:])
}

// OpenTmpfile creates an unnamed file in the root's directory, as
// OpenTmpfile does in a directory named by path: O_TMPFILE where the OS
// and file system have it, else a file created exclusively and removed at
// once.
func (r *Root) OpenTmpfile() (int, error) {
	if oTmpfile != 0 {
		if fd, err := r.Open(".", oTmpfile|syscall.O_RDWR, 0o600); err == nil {
			return fd, nil
		}
	}
	fd, name, err := r.CreateTemp("safesh-tmp-")
	if err != nil {
		return -1, err
	}
	r.Remove(name)
	return fd, nil
}

// CreateTemp creates a new file in the root's directory, as CreateTemp
// does in a directory named by path, and returns its descriptor and its
// name relative to the root.
func (r *Root) CreateTemp(prefix string) (int, string, error) {
	for i := 0; ; i++ {
		name := tempName(prefix)
		fd, err := r.Open(name, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL, 0o600)
		if err == nil {
			return fd, name, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 100 {
			return -1, "", err
		}
	}
}
