package time

import gotime "time"

// monoStart is when the process loaded the module.
var monoStart = gotime.Now()

// monotonicNanos is Go's monotonic clock, in nanoseconds since the module
// was loaded: Windows has no CLOCK_MONOTONIC to match.
func monotonicNanos() int64 { return int64(gotime.Since(monoStart)) }
