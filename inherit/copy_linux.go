package inherit

import "golang.org/x/sys/unix"

// copySteps are the ways CopyFd tries, in order.
var copySteps = []copyStep{
	copyFileRange, sendfile, copyReadWrite,
}

func copyFileRange(dst, src int, stop func() error) (int64, bool, error) {
	return copyInKernel("copy_file_range", func() (int, error) {
		return unix.CopyFileRange(src, nil, dst, nil, copyChunk, 0)
	}, stop)
}

func sendfile(dst, src int, stop func() error) (int64, bool, error) {
	return copyInKernel("sendfile", func() (int, error) {
		return unix.Sendfile(dst, src, nil, copyChunk)
	}, stop)
}
