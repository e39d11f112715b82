package lstate

const oDirectory = 0 // unix sockets by path are not supported on Windows yet
