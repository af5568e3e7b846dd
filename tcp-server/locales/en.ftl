# tcp-server's sentences for people, in English: the --explain narration of the blog post's
# steps, then what the server was doing when an error came (shown as "error: <this>: <why>").
# Log lines are not here: they stay in English, in the source. Syntax: Fluent,
# https://projectfluent.org/fluent/guide/ ({ $name } is a value the program fills in).
# Each message is one line: a line break inside a message would be printed.

## Step 1: create the socket

# $family: "IPv4 (AF_INET)" or "IPv6 (AF_INET6)"; $kind: "stream (SOCK_STREAM)" (common's words).
created-socket = created a socket: { $family } + { $kind } = TCP

## Step 2: bind

# $reach: who can connect to that address (common's words), e.g. "a loopback address: only
# programs on this machine can reach it".
bound = bound to { $addr }, { $reach }

## Step 3: listen

# $queue: the accept queue's real length; $cap: whether the kernel lowered --backlog
# ($asked) to net.core.somaxconn ($somaxconn), may lower it (its cap was not read), or took it;
# $linux: "yes" on Linux, whose kernel holds one more than the backlog ($plus_one).
listening = listening: the kernel now completes handshakes on its own and queues up to { $queue } of them for accept(){ $cap ->
        [capped] {" "}(--backlog { $asked } asked for more; the kernel caps it at net.core.somaxconn = { $somaxconn })
        [unknown] {" "}(or fewer: the operating system may cap it)
       *[kept] {""}
    }{ $linux ->
        [yes] ; Linux lets one more wait ({ $plus_one }: it counts the queue full only past the backlog)
       *[other] {""}
    }; the backlog is that queue, not a limit on connections

# Said after step 3's line: $limit, the open-file limit now (descriptors); $before, the soft
# limit the server started with; $raised: "raised" (to the hard limit) or "kept" (it was already
# there); $connections: how many connections the server will hold at once.
descriptors = each connection holds a file descriptor: the open-file limit is { $limit }{ $raised ->
        [raised] {" "}(raised from { $before } at start)
       *[kept] {""}
    }, so the server holds at most { $connections } connections at once (--max-connections)

## Step 4: accept

# $peer: the client's address and port; $port: that port alone.
accepted = accepted { $peer }: a new socket for this client alone (the listening one goes on listening); port { $port } is the ephemeral port the client's system picked

## Step 5: exchange data

exchanged = received { $received } bytes from { $peer }, sent { $sent } back

## Step 6: close

# $echoed: bytes echoed on the connection in all; $why: how it ended.
closing = closing the socket for { $peer } after echoing { $echoed } bytes: { $why ->
        [finished] the client closed its side (its FIN: end of stream) and has all its echo; our close() sends our FIN
        [failed] the connection failed
        [idle] it was idle too long
        [evicted] the server was full, and it had been idle longest
       *[stopping] the server is stopping
    }

## Stopping (Ctrl-C): the post stops the server by closing the listening socket

# $grace: the seconds open connections get to finish.
stopping = stopping (Ctrl-C): the listening socket takes no new connections; open ones get { $grace } s to finish (Ctrl-C again to quit now)
# At the end: $served connections served, $echoed bytes echoed; $full is "yes" when the server was
# full at some time: it refused $refused new connections and closed $evicted idle ones (--max-connections $max).
stopped = stopped: served { $served ->
        [one] 1 connection
       *[other] { $served } connections
    }, echoed { $echoed ->
        [one] 1 byte
       *[other] { $echoed } bytes
    }{ $full ->
        [yes] ; while full, refused { $refused } and closed { $evicted } idle to make room (--max-connections { $max })
       *[no] {""}
    }

## What the server was doing when an error came

creating-socket = creating a TCP socket for { $addr }
# $option: a socket option's name, such as SO_REUSEADDR.
setting-option = setting { $option } on { $addr }
making-nonblocking = making the socket for { $addr } non-blocking
reading-bound-address = reading the address bound for { $addr }
sharing-listener = sharing the listening socket between threads
creating-epoll = creating the event queue (epoll on Linux, kqueue on macOS)
registering-listener = registering the listening socket with the event queue
creating-waker = creating a waker
waiting-for-events = waiting for socket events
worker-panicked = a worker thread panicked
