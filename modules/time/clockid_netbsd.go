package time

// clockMonotonic is NetBSD's CLOCK_MONOTONIC (<time.h>), which x/sys does
// not name.
const clockMonotonic = 3
