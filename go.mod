module github.com/safesh/safesh

go 1.26.0

require golang.org/x/sys v0.49.0

require github.com/yuin/gopher-lua v1.1.2 // indirect
