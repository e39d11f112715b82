#!/usr/bin/env safesh
-- A chat server written with tasks: every client gets a task that reads
-- its lines and hands them to a broadcaster through a channel; the
-- broadcaster writes each line to every other client. Straight-line code,
-- no callbacks: a blocking recv inside a task suspends only that task.
--
-- usage: safesh chat_server.lua
-- (it starts three clients of its own, in tasks, talks, and ends)

local task = require("task")
local socket = require("socket")

local srv = assert(socket.create_server("127.0.0.1", 0))
local _, port = srv:getsockname()
local clients = {}          -- conn -> name
local lines = task.channel(64)

local function serve(conn)
  local name = assert(conn:recv(64)):match("^(%w+)\n")
  clients[conn] = name
  lines:send(name .. " joined")
  local pending = ""
  while true do
    local data = conn:recv(4096)
    if not data or data == "" then break end
    pending = pending .. data
    for line in pending:gmatch("([^\n]*)\n") do
      lines:send(name .. ": " .. line)
    end
    pending = pending:match("[^\n]*$")
  end
  clients[conn] = nil
  conn:close()
  lines:send(name .. " left")
end

local function broadcaster()
  while true do
    local line = lines:recv()
    if line == nil then return end
    for conn in pairs(clients) do conn:sendall(line .. "\n") end
  end
end

-- A client says hello, reads until it has heard everyone's hello, and
-- leaves.
local function client(name, says)
  local s = assert(socket.create_connection("127.0.0.1", port))
  s:sendall(name .. "\n")
  task.sleep(0.05)              -- let everyone join first
  s:sendall(says .. "\n")
  local buf = ""
  while select(2, buf:gsub("hello from", "")) < 3 do
    buf = buf .. assert(s:recv(4096))
  end
  s:close()
  return buf
end

task.run(function()
  local accepter = task.spawn(function()
    local served = {}
    for i = 1, 3 do served[i] = task.spawn(serve, assert(srv:accept())) end
    return served
  end)
  local bcast = task.spawn(broadcaster)
  local people = {"ann", "bob", "cid"}
  local cs = {}
  for i, name in ipairs(people) do
    cs[i] = task.spawn(client, name, "hello from " .. name)
  end
  for i, c in ipairs(cs) do
    local heard = assert(c:join())
    assert(heard:find("hello from ann", 1, true), people[i] .. " heard ann")
    local hellos = {}
    for who in heard:gmatch("(%w+): hello") do hellos[#hellos + 1] = who end
    table.sort(hellos)
    print(people[i] .. " heard hello from " .. table.concat(hellos, ", "))
  end
  for _, t in ipairs(assert(accepter:join())) do t:join() end
  lines:close()
  bcast:join()
end)
srv:close()
print("chat over")
