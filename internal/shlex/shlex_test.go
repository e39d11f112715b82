package shlex

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/safesh/safesh/internal/pyoracle"
)

// TestPythonOracle checks Split, Quote and Join against Python's results
// for the same input (see pyoracle).
func TestPythonOracle(t *testing.T) {
	data := pyoracle.Recorded(t)
	var cases [][3]json.RawMessage
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var fn string
		json.Unmarshal(c[0], &fn)
		switch fn {
		case "split":
			var s string
			json.Unmarshal(c[1], &s)
			got, err := Split(s)
			var want any
			json.Unmarshal(c[2], &want)
			if err != nil {
				if w, isString := want.(string); !isString || !strings.EqualFold(w, "ERROR: "+err.Error()) {
					t.Errorf("Split(%q): error %v, Python says %v", s, err, want)
				}
				continue
			}
			if !reflect.DeepEqual(asAny(got), want) {
				t.Errorf("Split(%q) = %q, Python says %v", s, got, want)
			}
		case "quote":
			var s, want string
			json.Unmarshal(c[1], &s)
			json.Unmarshal(c[2], &want)
			if got := Quote(s); got != want {
				t.Errorf("Quote(%q) = %q, Python says %q", s, got, want)
			}
		case "join", "roundtrip":
			var args []string
			json.Unmarshal(c[1], &args)
			var want any
			json.Unmarshal(c[2], &want)
			var got any = Join(args)
			if fn == "roundtrip" {
				words, err := Split(Join(args))
				if err != nil {
					t.Fatal(err)
				}
				got = asAny(words)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s(%q) = %v, Python says %v", fn, args, got, want)
			}
		default:
			t.Fatalf("unknown function %q", fn)
		}
	}
}

// asAny makes words comparable with what JSON decodes.
func asAny(words []string) []any {
	out := make([]any, len(words))
	for i, w := range words {
		out[i] = w
	}
	return out
}

// TestSplitBytes checks that bytes that are not UTF-8 pass through.
func TestSplitBytes(t *testing.T) {
	got, err := Split("a\xff 'b\xfe c'")
	if err != nil || !reflect.DeepEqual(got, []string{"a\xff", "b\xfe c"}) {
		t.Fatalf("got %q, %v", got, err)
	}
	if q := Quote("\xff"); q != "'\xff'" {
		t.Fatalf("Quote: %q", q)
	}
}
