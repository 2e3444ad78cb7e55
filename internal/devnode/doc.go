// Package devnode starts a development chain for the tests of other
// packages: the govchain binary, built once per Start (with build tags if
// asked), initialised with `init --dev`, making a block every 200 ms, on
// free 127.0.0.1 ports, its HTTP API on a port of its own choosing.
//
// # Contract
//
//   - Start returns once the node has committed block 2, with a client of
//     its RPC and its home's keyring (the dev genesis keys), or an error
//     that carries the node's log. A node that exits because one of its
//     ports was taken between FreeAddr and its bind (by another test's
//     process) is started again on other ports, up to three times.
//   - The node never outlives the test binary: it runs in a process group
//     of its own with SIGKILL as its parent-death signal, forked from a
//     thread locked for the life of the binary (Spawn), so that the signal
//     fires only when the binary ends, however it ends.
//   - Stop ends it (SIGTERM to its group, SIGKILL after 20 s) and removes
//     its directory; it may be called more than once.
//   - FreePort (and FreeAddr) give the tests of every package their
//     ports: from below the kernel's ephemeral range, so that no outgoing
//     connection or bind of port 0 takes one, each reserved for the life
//     of the process that got it by an flock on a file in
//     os.TempDir()/govchain-test-ports, so that test binaries running side
//     by side never get the same port.
//
// It is test support: no production code imports it.
package devnode
