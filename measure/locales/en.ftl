# measure's sentences in English: the errors of tcp-client's load mode (-n, --duration) and
# udp-client's ping mode (--ping), and their hints. Each error line reads "what was being done:
# why" (the why comes from the system, in common's words). Report lines on stdout and log lines
# stay in English and are not here. Fluent syntax: https://projectfluent.org/fluent/guide/

## Load mode (tcp-client -n, --duration): setting up the one thread that drives every connection

creating-epoll = creating an epoll instance
# The waker lets Ctrl-C wake the thread's wait.
creating-waker = creating a waker
creating-timer = creating the load's timer (timerfd)

## Load mode: opening a connection

# $server is the server's address: 127.0.0.1:8888.
connecting-to = connecting to { $server }
# $option is a socket option's name: TCP_NODELAY.
setting-option = setting { $option }
# Ping mode says it too, of its UDP socket.
making-nonblocking = making the socket non-blocking
registering-connection = registering a connection

## Load mode: a round trip (connect, send, read the echo back and check it)

# A non-blocking connect that did not complete.
connecting = connecting
sending = sending
reading-echo = reading the echo
# $timeout is --timeout as Rust shows a duration: 1s, 500ms, 1.5s.
no-reply = no reply from { $server } within { $timeout }
# $got and $size are byte counts: what came back of the $size sent.
load-closed-early = the server closed the connection after { $got } of { $size } bytes
echo-differs = the echo differs from what was sent
# $extra is how many bytes came after the whole echo.
load-sent-more = the server sent { $extra ->
        [one] { $extra } byte
       *[other] { $extra } bytes
    } more than the echo
# A connect failed for lack of descriptors: $why is the system's words (too many open files),
# $limit the open-file limit (already raised to the hard one), $opened the connections open.
out-of-descriptors = { $why }: the open-file limit is { $limit } descriptors, and { $opened } connections were already open
# The hint under it: $wanted connections asked for (-c), $needed descriptors for them.
hint-out-of-descriptors = { $wanted } connections need about { $needed } descriptors: raise the limit in the shell that starts tcp-client with `ulimit -n { $needed }` (up to the hard limit, `ulimit -Hn`), or open fewer connections with -c
waiting-for-events = waiting for socket events
setting-timer = setting the load's timer (timerfd)

## Load mode: the end, when round trips failed (the first failure is logged)

round-trips-failed = { $failed } of { $all } round trips failed

## Ping mode (udp-client --ping)

setting-up-stop = setting up Ctrl-C to end ping mode with its summary
waiting-for-replies = waiting for replies from { $server }
# $sent is how many datagrams were sent, none of them answered.
no-ping-answer = { $sent ->
        [one] no reply to the 1 datagram sent
       *[other] no reply to any of { $sent } datagrams
    }
# The hint under no-ping-answer when datagrams came but none answered ping's: $strays of them.
hint-ping-strays = { $strays ->
        [one] { $strays } datagram
       *[other] { $strays } datagrams
    } came that answer none of them: ping mode counts only an echo or the uppercase of its datagrams, which start with their sequence number, and this server answers with something else
# The hint under no-ping-answer when $unreachable datagrams came back as ICMP port unreachable;
# $start is the command that starts the server on that port: cargo run -p udp-server -- --port 9000.
hint-ping-unreachable = { $unreachable ->
        [one] { $unreachable } datagram
       *[other] { $unreachable } datagrams
    } came back as an ICMP port-unreachable message: nothing listens on that port; start the server with `{ $start }`
# With --count and --deadline: $received replies, fewer than the $count asked for, by the
# --deadline ($deadline as Rust shows a duration: 2s, 1.5s).
ping-short-of-count = only { $received } of the { $count } replies --count asks for came within the --deadline of { $deadline }
# tcp-client --size, more than this machine can address (a 32-bit system).
size-too-large = --size does not fit in memory

# --idle N: more connections ($wanted, the idle ones and -c's) than the open-file limit
# ($limit, already raised to the hard one) allows; $needed descriptors would do.
idle-over-descriptors = { $wanted } connections (-c, and --idle if given) need more descriptors than the open-file limit of { $limit } allows
hint-idle-over-descriptors = raise the hard limit to { $needed } or more (as root: `ulimit -Hn { $needed }`, or LimitNOFILE= for a service), or ask for fewer connections
# --idle N: more connections ($wanted) than the kernel's ephemeral ports ($ports) for one server address.
idle-over-ports = { $wanted } connections (-c, and --idle if given) need more ephemeral ports than the { $ports } the kernel picks from
hint-idle-over-ports = widen the range (`sysctl net.ipv4.ip_local_port_range`), or ask for fewer connections
# Opening idle connection $i of $n to $server failed (the cause follows).
opening-idle = opening idle connection { $i } of { $n } to { $server }
# At the end, $lost of the $n idle connections did not echo one byte back.
idle-lost = { $lost } of the { $n } idle connections no longer echo: the server closed them or stopped answering
# The server closed an idle connection as it opened: most often a server at its cap.
hint-idle-closed = a server at its cap closes newcomers: tcp-server serves 1024 connections at once by default; start it with a larger --max-connections
