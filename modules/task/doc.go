// Package task is safesh's task module: many conversations in
// straight-line code, on one Lua state.
//
//	task.spawn(fn, ...)     a new task, run by task.run
//	task.run([fn, ...])     runs every task until all have ended; fn's results
//	task.sleep(s)           sleeps, suspending only the task
//	task.yield()            lets the other ready tasks run
//	task.current()          the running task, or nil
//	task.channel([size])    a channel: send, recv, close, len
//	t:join([timeout])       t's results, or nil and its error
//	t:cancel()              ends t at its next wait
//	t:done()                whether t has ended
//
// Inside a task every blocking call of io, os, socket, subprocess and
// time waits through the scheduler (see state.Suspender), which waits for
// all of them in one epoll_wait (poll elsewhere). See docs/task.md for
// the design.
package task
