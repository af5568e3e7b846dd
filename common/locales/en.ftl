# common's sentences in English: what all four programs say the same way (the names of the
# post's steps, who can reach an address, the labels of an error and its hint, OS errors, and the
# errors about hosts and ports). Fluent syntax: https://projectfluent.org/fluent/guide/
# Each program's own sentences are in its locales/ folder.

## --explain: "[step 2 bind] bound to …"

# The word before a step's number.
step-word = step
step-name = { $step ->
    [socket] socket
    [bind] bind
    [listen] listen
    [accept] accept
    [exchange] exchange
    [close] close
    [connect] connect
    [send] send
   *[receive] receive
}
socket-type = { $kind ->
    [stream] stream (SOCK_STREAM)
   *[datagram] datagram (SOCK_DGRAM)
}
# Who can reach the address a server bound.
reach = { $reach ->
    [loopback] a loopback address: only programs on this machine can reach it
    [everywhere] every address of this machine: other machines can reach it too
   *[one] one address of this machine: whoever can route to it can reach it
}

## How a failure reads: "error: what was being done: why", then "hint: what to do"

error-label = error:{" "}
hint-label = hint:{" "}
# What joins an error to its cause on the one line.
joiner = :{" "}
cannot-listen = cannot listen on { $addr }: { $why }
hint-addr-in-use = another server may be running on that port: stop it, or pick another with --port (0 picks a free one)
hint-privileged-port = ports below 1024 need privileges: pick one above 1023
hint-addr-not-available = that address does not belong to this machine: try 127.0.0.1 or 0.0.0.0
host-empty = the host is empty: give a name or an address such as 127.0.0.1
# $host is quoted by the program: "localhost".
cannot-resolve = cannot resolve host { $host }
no-addresses = host { $host } has no addresses
installing-signal-handler = installing the Ctrl-C handler
starting-thread = starting a thread
# Standard output was closed when the program started (PROGRAM >&-): what it prints is lost.
stdout-closed = standard output is closed (as the shell's >&- leaves it): nothing this program prints would be seen
# A server's `listening on` line could not be written; $addr is the address it listens on.
announcing = writing `listening on { $addr }`

## OS errors the programs meet, as Linux words them (on Windows and macOS too, in place of the
## system's longer words)

os-operation-not-permitted = operation not permitted
os-would-block = resource temporarily unavailable
os-permission-denied = permission denied
os-too-many-open-files = too many open files
os-broken-pipe = broken pipe
os-message-too-long = message too long
os-address-family-not-supported = address family not supported by protocol
os-address-in-use = address already in use
os-address-not-available = cannot assign requested address
os-network-unreachable = network is unreachable
os-connection-aborted = software caused connection abort
os-connection-reset = connection reset by peer
os-no-buffer-space = no buffer space available
os-not-connected = transport endpoint is not connected
os-timed-out = connection timed out
os-connection-refused = connection refused
os-host-unreachable = no route to host
# Errors without an OS number: a timeout the program measured, a stream that ended early.
io-timed-out = timed out
io-unexpected-eof = unexpected end of file
