# tcp-client's sentences in English: the --explain narration of the post's steps, the errors and
# their hints. Fluent syntax: https://projectfluent.org/fluent/guide/
# The words every program shares (step names, error: and hint:, OS errors) are in
# common/locales/; load mode's own are the measure crate's. What goes to stdout (the replies,
# load mode's report) and the log lines stay in English and are not here.

## Steps 1 and 2: the socket, and connect() with its three-way handshake

# $family is "IPv4 (AF_INET)" or "IPv6 (AF_INET6)"; $kind is "stream (SOCK_STREAM)".
creating-socket = creating a socket: { $family } + { $kind } = TCP
# $local is our address (with the ephemeral port $port), $server the server's.
connected = connected from { $local } to { $server }: connect() sent our SYN and returned at once (non-blocking, EINPROGRESS); while we waited in poll(), the server's SYN-ACK came back and the kernel's ACK completed the three-way handshake; port { $port } is an ephemeral port the kernel picked for us

## Steps 3 and 4: one message sent, its echo read back

sent = sent { $bytes } bytes
# $bytes came in this read; $so_far of the $sent bytes of this message have come back.
received = received { $bytes } bytes: { $so_far } of the { $sent } sent so far (TCP is a stream: a reply may come in several reads)

## Step 5: the four-way close

# After shutdown(Write). $first is "server" when the server's FIN came before ours.
shut-down = { $first ->
    [server] closed our sending side with shutdown(Write); the server had closed its side first (its FIN came and our system ACKed it), so our FIN is the second half of the four-way close, and the server ACKs it
   *[ours] closed our sending side with shutdown(Write): our FIN is queued to go out, the first half of the four-way close (shutdown() does not wait for its ACK; on loopback that ACK usually rides on the server's own FIN); the server reads end of stream
}
# The server's end of stream (its FIN) has been read. $first as above.
server-closed = { $first ->
    [server] the server sent nothing beyond the echo before its FIN
   *[ours] the server closed its side too: its FIN came and our system ACKed it, the second half of the four-way close; it sent nothing beyond the echo
}
# After close(), one of four: we sent the first FIN ($port is our ephemeral port, in $local)...
closed-ours-first = closed the socket. We sent the first FIN, so our side of the connection, { $local }, stays in TIME_WAIT, from this close on, for a fixed 60 s on Linux (TCP_TIMEWAIT_LEN; the 2MSL of RFC 9293 would be 4 minutes), whether or not the program has ended: a FIN the server sends again still gets its ACK, and late packets of this connection die out before a new connection can use the same addresses and ports. `ss -tan` shows it as TIME-WAIT on our ephemeral port { $port }, not on the server's port
# ... the server sent the first FIN ...
closed-server-first = closed the socket. The server sent the first FIN, so TIME_WAIT (a fixed 60 s on Linux) is on its side, { $server }; ours, { $local }, is gone once the server ACKs our FIN
# ... the server's FIN did not come within $waited (such as 500ms) ...
closed-server-open = closed the socket while the server keeps its side open (no FIN from it within { $waited }): our side, { $local }, waits for that FIN in FIN_WAIT_2 for at most net.ipv4.tcp_fin_timeout (60 s by default), and goes to TIME_WAIT if it comes
# ... or the server reset the connection.
closed-reset = closed the socket. { $server } reset the connection (RST) after the echo instead of closing it, so neither side keeps it in TIME_WAIT

## Errors while connecting ("error: " before, "hint: " before a hint)

no-address = no address to connect to
# $why is the OS error's words.
cannot-connect = cannot connect to { $addr }: { $why }
# $start is how the user starts the server on the port tried, such as `cargo run -p tcp-server -- --port 9000`.
hint-start-server = is the server running? Start it with `{ $start }`
# $timeout is --timeout, such as 5s or 500ms.
hint-no-answer = no answer within { $timeout }: check the host and port, or raise --timeout
reading-local-address = reading our local address
# $option is a socket option's name, such as TCP_NODELAY.
setting-option = setting { $option }

## Errors of the exchange: $got of the $of bytes of the reply had come

reading-stdin = reading standard input
sending-to = sending to { $server }: { $why }
closed-early = { $server } closed the connection after { $got } of { $of } bytes of the reply
reading-reply-from = reading the reply from { $server }: { $why }
# A failure partway through a reply: $why is what went wrong, said whole.
after-bytes = after { $got } of { $of } bytes: { $why }
# $at counts from 0.
reply-differs = the reply from { $server } differs from what was sent, at byte { $at }
no-reply = no reply from { $server } within { $timeout }
reset = { $server } reset the connection
sent-more = { $server } sent { $extra ->
    [one] { $extra } byte
   *[other] { $extra } bytes
} more than the echo

## Load mode


## Addresses typed where a MESSAGE goes, or a port inside --host. $command is how the user runs
## this program (tcp-client, or cargo run -p tcp-client --).

# The label of a warning line, as "error: " is an error's.
warning-label = warning:{" "}
# A first MESSAGE that is surely a host: an IP address, host:port, or a name and a port.
message-is-a-host = "{ $message }" looks like a host to connect to, not a message to send
hint-message-is-a-host = to connect to { $host } port { $port }: `{ $command } --host { $host } --port { $port }`; to send "{ $message }" as a message after all, pipe it in: `echo '{ $message }' | { $command } --stdin`
# A first MESSAGE that may be a host (a name with a dot): it is sent, after this warning.
message-may-be-a-host = "{ $message }" looks like a host name; it is sent as a message, to { $host } port { $port }
hint-message-may-be-a-host = to connect to { $host } instead: `{ $command } --host { $host } --port { $port }`
# --host HOST:PORT ($arg) names port $in_host, and --port says $flag.
host-port-conflict = --host { $arg } names port { $in_host }, but --port says { $flag }
hint-host-port-conflict = give the port once, with --port: `--host { $host } --port { $in_host }` or `--host { $host } --port { $flag }`
# --host HOST:X ($arg) where X ($port) is no port number.
host-bad-port = --host { $arg }: "{ $port }" after the colon is not a port number (1 to 65535)
hint-host-bad-port = give the host alone, and the port with --port: `--host { $host } --port PORT`
