//go:build linux

package inherit_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/safesh/safesh/inherit"
	"golang.org/x/sys/unix"
)

// TestDirReader reads a directory of several buffers' worth of entries of
// every type and checks the names and types against os.ReadDir.
func TestDirReader(t *testing.T) {
	dir := t.TempDir()
	for i := range 3000 {
		if err := os.WriteFile(filepath.Join(dir, "file-with-a-long-name-"+strconv.Itoa(i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Symlink("sub", filepath.Join(dir, "link"))
	unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644)
	os.WriteFile(filepath.Join(dir, "é\xff"), nil, 0o644) // not UTF-8
	fd, err := inherit.OpenDirAt(inherit.AtCwd, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer inherit.Close(fd)
	if inh, _ := inherit.Inheritable(fd); inh {
		t.Fatal("the directory's descriptor is inheritable")
	}
	d := inherit.NewDirReader(fd)
	got := map[string]uint32{}
	for {
		name, mode, ok, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if _, dup := got[name]; dup {
			t.Fatalf("%q read twice", name)
		}
		got[name] = mode
	}
	if _, _, ok, _ := d.Next(); ok {
		t.Fatal("Next after the end found more")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ents) {
		t.Fatalf("read %d entries, os.ReadDir %d", len(got), len(ents))
	}
	for _, e := range ents {
		mode, ok := got[e.Name()]
		if !ok {
			t.Fatalf("%q not read", e.Name())
		}
		want := map[fs.FileMode]uint32{0: inherit.ModeFile, fs.ModeDir: inherit.ModeDir,
			fs.ModeSymlink: inherit.ModeLink, fs.ModeNamedPipe: inherit.ModeFifo}[e.Type()]
		if mode != 0 && mode != want {
			t.Errorf("%q: mode %o, want %o", e.Name(), mode, want)
		}
	}
	for _, name := range []string{".", ".."} {
		if _, ok := got[name]; ok {
			t.Errorf("%q was returned", name)
		}
	}
	// NextName gives the same names.
	fd2, err := inherit.OpenDirAt(inherit.AtCwd, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer inherit.Close(fd2)
	d2 := inherit.NewDirReader(fd2)
	n := 0
	for {
		name, ok, err := d2.NextName()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if _, seen := got[name]; !seen {
			t.Errorf("NextName gave %q, which Next did not", name)
		}
		n++
	}
	if n != len(got) {
		t.Errorf("NextName gave %d names, Next %d", n, len(got))
	}
}

// TestOpenDirAtNoFollow checks that a directory is never opened through a
// symbolic link when nofollow is set.
func TestOpenDirAtNoFollow(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	os.Symlink("real", filepath.Join(dir, "link"))
	dfd, err := inherit.OpenDirAt(inherit.AtCwd, dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer inherit.Close(dfd)
	if _, err := inherit.OpenDirAt(dfd, "link", true); !errors.Is(err, syscall.ELOOP) && !errors.Is(err, syscall.ENOTDIR) {
		t.Fatalf("opened through a link: %v", err)
	}
	fd, err := inherit.OpenDirAt(dfd, "link", false)
	if err != nil {
		t.Fatal(err)
	}
	inherit.Close(fd)
}

// rootKinds opens a directory as a Root both ways: with openat2, and on
// os.Root as on kernels without it.
var rootKinds = []struct {
	name string
	open func(string) (*inherit.Root, error)
}{
	{"openat2", inherit.OpenRoot},
	{"os.Root", inherit.OpenRootFallback},
}

// TestRootFileCalls checks each call of Root beneath its directory, and
// that none follows a link out of it.
func TestRootFileCalls(t *testing.T) {
	for _, kind := range rootKinds {
		t.Run(kind.name, func(t *testing.T) {
			top := t.TempDir()
			dir, out := filepath.Join(top, "root"), filepath.Join(top, "out")
			os.Mkdir(dir, 0o755)
			os.Mkdir(out, 0o755)
			secret := filepath.Join(out, "secret")
			os.WriteFile(secret, []byte("secret"), 0o644)
			os.WriteFile(filepath.Join(dir, "f"), []byte("hello"), 0o644)
			os.Mkdir(filepath.Join(dir, "sub"), 0o755)
			os.Symlink(secret, filepath.Join(dir, "abs-link"))
			os.Symlink("../out/secret", filepath.Join(dir, "rel-link"))
			os.Symlink(out, filepath.Join(dir, "dir-link"))
			os.Symlink("f", filepath.Join(dir, "inner-link"))
			r, err := kind.open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ok := func(err error, what string) {
				t.Helper()
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			refused := func(err error, what string) {
				t.Helper()
				if err == nil {
					t.Errorf("%s: not refused", what)
				}
			}

			st, err := r.Stat("f", true)
			ok(err, "stat")
			if st.Size != 5 || !st.IsRegular() {
				t.Errorf("stat f: %+v", st)
			}
			st, err = r.Stat("inner-link", true)
			ok(err, "stat through an inner link")
			if st.Size != 5 {
				t.Errorf("stat inner-link: %+v", st)
			}
			st, err = r.Stat("abs-link", false)
			ok(err, "lstat of a link out")
			if !st.IsLink() {
				t.Errorf("lstat abs-link: %+v", st)
			}
			st, err = r.Stat(".", true)
			ok(err, "stat of the root")
			if !st.IsDir() {
				t.Errorf("stat .: %+v", st)
			}
			for _, p := range []string{"abs-link", "rel-link", "dir-link/secret", "../out/secret"} {
				_, err := r.Stat(p, true)
				refused(err, "stat "+p)
			}

			ok(r.Mkdir("sub/new", 0o755), "mkdir")
			refused(r.Mkdir("dir-link/planted", 0o755), "mkdir through a link")
			ok(r.Symlink("../anywhere", "sub/l"), "symlink")
			target, err := r.Readlink("sub/l")
			ok(err, "readlink")
			if target != "../anywhere" {
				t.Errorf("readlink: %q", target)
			}
			_, err = r.Readlink("dir-link/x")
			refused(err, "readlink through a link")
			ok(r.Link("f", r, "sub/hard"), "link")
			refused(r.Link("dir-link/secret", r, "stolen"), "link from outside")
			refused(r.Link("f", r, "dir-link/planted"), "link to outside")

			ok(r.Chmod("f", 0o600), "chmod")
			if st, _ := r.Stat("f", true); st.Perm() != 0o600 {
				t.Errorf("chmod: perm %o", st.Perm())
			}
			refused(r.Chmod("abs-link", 0o666), "chmod through a link")
			refused(r.Chmod("dir-link/secret", 0o666), "chmod through a directory link")
			ok(r.Chown("f", -1, -1), "chown")
			refused(r.Chown("abs-link", -1, -1), "chown through a link")
			ok(r.Utime("f", inherit.FileTimes{Atime: 1e9, Mtime: 2e9 + 5}), "utime")
			if st, _ := r.Stat("f", true); st.Mtime != 2e9+5 || st.Atime != 1e9 {
				t.Errorf("utime: %d %d", st.Atime, st.Mtime)
			}
			refused(r.Utime("rel-link", inherit.FileTimes{Now: true}), "utime through a link")
			ok(r.Truncate("f", 2), "truncate")
			if st, _ := r.Stat("f", true); st.Size != 2 {
				t.Errorf("truncate: size %d", st.Size)
			}
			refused(r.Truncate("abs-link", 0), "truncate through a link")
			if !r.Access("f", inherit.AccessRead) || !r.Access("sub", inherit.AccessExecute) {
				t.Error("access refused what is allowed")
			}
			if r.Access("abs-link", inherit.AccessExists) || r.Access("missing", inherit.AccessExists) {
				t.Error("access through a link, or of nothing")
			}

			ok(r.Unlink("sub/hard"), "unlink")
			if err := r.Unlink("sub"); !errors.Is(err, syscall.EISDIR) && !errors.Is(err, syscall.EPERM) {
				t.Errorf("unlink of a directory: %v", err)
			}
			if err := r.Rmdir("f"); !errors.Is(err, syscall.ENOTDIR) {
				t.Errorf("rmdir of a file: %v", err)
			}
			ok(r.Rmdir("sub/new"), "rmdir")
			ok(r.Unlink("abs-link"), "unlink of a link")
			refused(r.Unlink("dir-link/secret"), "unlink through a link")
			refused(r.Rmdir("."), "rmdir of the root")

			if data, err := os.ReadFile(secret); err != nil || string(data) != "secret" {
				t.Errorf("the outside file: %q, %v", data, err)
			}
			if fi, _ := os.Stat(secret); fi.Mode().Perm() != 0o644 {
				t.Errorf("the outside file's mode changed: %v", fi.Mode())
			}
			if ents, _ := os.ReadDir(out); len(ents) != 1 {
				t.Errorf("the outside directory holds %d entries", len(ents))
			}
		})
	}
}

// TestCopyFd copies between files, from a file that reports a size of 0
// (copy_file_range copies nothing there), and into a pipe, where
// copy_file_range is refused and sendfile is not.
func TestCopyFd(t *testing.T) {
	dir := t.TempDir()
	data := make([]byte, 3<<20+17)
	rand.Read(data)
	src := filepath.Join(dir, "src")
	os.WriteFile(src, data, 0o644)
	copyTo := func(t *testing.T, from string, dst int) int64 {
		t.Helper()
		sfd, err := inherit.Open(from, os.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer inherit.Close(sfd)
		n, err := inherit.CopyFd(dst, sfd, nil)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("file", func(t *testing.T) {
		dfd, err := inherit.Open(filepath.Join(dir, "dst"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		n := copyTo(t, src, dfd)
		inherit.Close(dfd)
		got, _ := os.ReadFile(filepath.Join(dir, "dst"))
		if n != int64(len(data)) || !bytes.Equal(got, data) {
			t.Fatalf("copied %d bytes, %d read back, equal %v", n, len(got), bytes.Equal(got, data))
		}
	})
	t.Run("procfs", func(t *testing.T) {
		dfd, err := inherit.Open(filepath.Join(dir, "status"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer inherit.Close(dfd)
		if n := copyTo(t, "/proc/self/status", dfd); n == 0 {
			t.Fatal("nothing copied from /proc/self/status")
		}
		got, _ := os.ReadFile(filepath.Join(dir, "status"))
		if !bytes.Contains(got, []byte("Pid:")) {
			t.Fatalf("copied %q", got)
		}
	})
	t.Run("pipe", func(t *testing.T) {
		r, w, err := inherit.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer inherit.Close(r)
		small := filepath.Join(dir, "small")
		os.WriteFile(small, data[:1000], 0o644)
		n := copyTo(t, small, w)
		inherit.Close(w)
		got := make([]byte, 2000)
		m, _ := inherit.Read(r, got)
		if n != 1000 || !bytes.Equal(got[:m], data[:1000]) {
			t.Fatalf("copied %d, read %d", n, m)
		}
	})
	t.Run("stopped", func(t *testing.T) {
		dfd, err := inherit.Open(filepath.Join(dir, "dst2"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer inherit.Close(dfd)
		sfd, _ := inherit.Open(src, os.O_RDONLY, 0)
		defer inherit.Close(sfd)
		stop := errors.New("stop")
		if _, err := inherit.CopyFd(dfd, sfd, func() error { return stop }); err != stop {
			t.Fatalf("got %v, want the stop error", err)
		}
	})
}

// TestStatNames checks that stat errors name the call and the path, and
// that a NUL in a path is EINVAL, never a shorter path.
func TestStatNames(t *testing.T) {
	_, err := inherit.Stat("/nonexistent/x", true)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "stat" || pe.Path != "/nonexistent/x" || !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("got %v", err)
	}
	if _, err := inherit.Stat("/etc\x00/passwd", false); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("NUL: got %v", err)
	}
	for _, kind := range rootKinds {
		r, err := kind.open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Stat("x\x00y", true); err == nil {
			t.Errorf("%s: a NUL in a path was accepted", kind.name)
		}
		r.Close()
	}
}
