//go:build !linux

package inherit

const oTmpfile = 0 // no O_TMPFILE: OpenTmpfile creates and removes a file
