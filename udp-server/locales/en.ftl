# udp-server's sentences in English: the --explain narration of the post's steps, and the errors
# that stop the server. Fluent syntax: https://projectfluent.org/fluent/guide/
# Log lines stay in English whatever the language and are not here; the words every program
# shares (step names, "error:", OS errors) are in common/locales/.

## --explain: the post's steps, "[step 1 socket] created a socket: …"

# $family: "IPv4 (AF_INET)" or "IPv6 (AF_INET6)"; $kind: "datagram (SOCK_DGRAM)" (common's socket-type).
created-socket = created a socket: { $family } + { $kind } = UDP
# $addr: the address bound, 127.0.0.1:12345; $reach: who can reach it (common's reach).
bound = bound to { $addr }, { $reach }; no listen() and no accept(): UDP has no connections, datagrams just arrive
# $len: the datagram's size in bytes; $from: the address it came from.
received = received a { $len }-byte datagram from { $from }
# $len: the reply's size in bytes; $to: where it went.
sent = sent its uppercase, { $len } bytes, back to { $to } (whether it arrives, UDP does not say)
# Under --rate-limit: $from sent more datagrams a second than one source gets replies to.
over-rate-limit = sent nothing: { $from } is over its rate limit

## Stopping (Ctrl-C): the post's `with` closes the socket then

# $answered: datagrams answered; $dropped: datagrams dropped; $limited is "yes" with --rate-limit,
# and then $rate_limited datagrams were not answered for it.
stopped = stopped, and the socket closed with it: answered { $answered ->
        [one] 1 datagram
       *[other] { $answered } datagrams
    }, dropped { $dropped }{ $limited ->
        [yes] , rate-limited { $rate_limited }
       *[no] {""}
    }

## What was being done when an error stopped the server: "error: creating a UDP socket for …: why"

# $addr: the address asked for (--host, --port).
creating-socket = creating a UDP socket for { $addr }
reading-bound-address = reading the address bound for { $addr }
setting-receive-timeout = setting the receive timeout
starting-worker = starting a worker thread
worker-panicked = a worker thread panicked
