//go:build unix

// Command lsfds prints the descriptors it inherited; see package fdtest.
package main

import "github.com/safesh/safesh/internal/fdtest"

func main() { fdtest.Lsfds() }
