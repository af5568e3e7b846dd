# udp-client's sentences for people, in English: the --explain narration of the blog post's
# steps, the errors and their hints, the warnings about flags typed from habit, and what the
# client was doing when an error came (shown as "error: <this>: <why>"). Ping mode's sentences
# are the measure crate's; log lines, the replies and the prompt stay in English, in the source.
# Syntax: Fluent, https://projectfluent.org/fluent/guide/ ({ $name } is a value the program fills
# in). Each message is one line: a line break inside a message would be printed.

## Step 1: create the socket

# $family: "IPv4 (AF_INET)" or "IPv6 (AF_INET6)"; $kind: "datagram (SOCK_DGRAM)" (common's words).
created-socket = created a socket: { $family } + { $kind } = UDP; it has no address or port yet

## Step 2: connect (the bind nobody asked for, then the peer)

# $local: the address and port connect() bound the socket to; $port: that port alone.
bound-implicitly = connect() bound the socket to { $local } first: like the document's client, this one never calls bind(), so the system binds the socket implicitly when it is first used (here by connect(); in the document's client by its first sendto()), to an ephemeral port it picks, { $port }, and to the local address of the route to the server
connected = set { $server } as the peer: no packet was sent, UDP has no connection to set up. From now on the system drops datagrams from anyone else; and if nothing listens on that port, the server's system answers a datagram with an ICMP port-unreachable message, which reaches us later, as an error on a following send or receive, and only because this socket is connected (the document's unconnected client never hears of it, and waits in recvfrom() for ever)

## Step 3: send

# $attempt: which try this is, of $tries.
sent = sent a { $len }-byte datagram to { $server } (try { $attempt } of { $tries })

## Step 4: receive

# $reply: "expected" when the reply is the message's uppercase or its echo; "other" when it is
# something else, taken as the answer all the same.
received = { $reply ->
    [expected] received a { $len }-byte datagram from { $server }: the answer
   *[other] received a { $len }-byte datagram from { $server }: the answer, though it is neither the uppercase nor an echo of the message; it belongs to no earlier message still waiting for its answer, so it is this one's
}
# A datagram that came is not the answer to the message being sent. $why: "late" (it is the
# reply to $message, sent earlier and given up on), "repeat" (it repeats the answer already
# taken for $message, sent earlier more than once), "early" (it was already waiting before this
# message was sent; $message is empty then). $message comes with its quotes escaped: a \" shows
# a quote inside it.
set-aside = set aside a { $len }-byte datagram that is not the answer: { $why ->
    [late] it is the reply to "{ $message }", an earlier message that got no answer in time
    [repeat] it repeats the answer to "{ $message }", an earlier message that was sent more than once: the reply to another of its tries
   *[early] it came before this message was sent: a late reply to something earlier
}
# No answer within $timeout ("500ms", "1s"); $n datagrams that were not the answer came meanwhile.
timed-out = { $n ->
    [0] nothing came within { $timeout }
   *[other] no answer within { $timeout }, only { $n ->
        [one] { $n } datagram that is
       *[other] { $n } datagrams that are
    } not the answer
}: the datagram or its reply was lost or is late, or the server did not answer

## Errors, and their hints

# $tries sends, each waited for $timeout; $n datagrams came that were not the answer.
no-answer = { $n ->
    [0] no reply from { $server } after { $tries ->
        [one] { $tries } try
       *[other] { $tries } tries
    } of { $timeout } each
   *[other] no answer from { $server } after { $tries ->
        [one] { $tries } try
       *[other] { $tries } tries
    } of { $timeout } each: { $n ->
        [one] { $n } datagram came, not the answer
       *[other] { $n } datagrams came, none of them the answer
    }
}
# $n: as in no-answer. With none, not "is the server running?": the socket is connected, so a
# missing server would have shown as port-unreachable (unless a firewall swallows that too).
hint-no-answer = { $n ->
    [0] the datagram or its reply may have been lost, or the server chose not to answer (a rate limit, or a reply too large for a datagram); UDP says nothing either way
   *[other] a datagram is set aside only when it provably belongs to something earlier: the reply to an earlier message that is still unanswered, or one that came before this message was sent
}
# Nothing listens on the server's port. $op: the call the ICMP error came back on, "send" or
# "receive"; $why: the operating system's words for it.
port-unreachable = nothing is listening on { $server }: the system there answered our datagram with an ICMP port-unreachable message, which came back to this socket on its next { $op ->
        [send] send
       *[receive] receive
    }, as "{ $why }"
# $start: how the user would start the server on that port ("cargo run -p udp-server -- --port 9000").
hint-port-unreachable = start the server with `{ $start }`; we hear of that ICMP message only because our socket is connected: the document's unconnected client is never told, and waits in recvfrom() for ever
# A send or receive on the connected socket failed; $why: the operating system's words.
failed = { $op ->
    [send] sending to { $server }: { $why }
   *[receive] waiting for a reply from { $server }: { $why }
}
# $version: "IPv4" or "IPv6", whose datagrams carry at most $limit bytes.
too-long = { $len } bytes is more than a UDP datagram to { $server } carries ({ $limit }, over { $version }): nothing was sent
# The messages sent (arguments, or lines read): $unanswered of $total got no answer (each was reported already).
messages-unanswered = { $unanswered } of { $total } messages got no answer
# Every address the host resolved to was tried: none is left to send to.
no-address = no address to send to
# A reply that is not UTF-8: $bad of its $len bytes belong to no character. $shown: "escaped"
# when stdout is a terminal (those bytes show as \xNN), "raw" when it is not (written as they came).
reply-not-utf8 = the reply from { $server } is not UTF-8 text: { $bad } of its { $len } bytes are not part of any character; { $shown ->
    [escaped] they are shown as \xNN
   *[raw] they were written to standard output as they came
}

## Flags people type from habit: what a ping user or a `nc HOST PORT` user would write

# The label of a warning line, as "error: " is an error's.
warning-label = warning:{" "}
# The first MESSAGE looks like a server's address, yet is sent as text to $server; $command talks
# to the server it names. $message comes with its quotes escaped, as in set-aside.
message-looks-like-a-server = "{ $message }" looks like a server's address, but a MESSAGE is text to send: it goes to { $server } as a datagram. To talk to that server instead: `{ $command }`
# Ping mode was asked for, and a MESSAGE that looks like a server came too.
server-given-as-a-message = "{ $message }" looks like a server's address, but it stands where a MESSAGE goes: udp-client, ping mode too, takes the server from --host and --port
hint-ping-that-server = to ping that server: `{ $command }`
# Ping mode was asked for, and MESSAGE arguments came too.
ping-takes-no-messages = ping mode sends numbered datagrams of its own, and takes no MESSAGE ("{ $message }" was given)
hint-ping-takes-no-messages = to send messages, leave out the ping options (--ping, -c, -i, -w, -s, -q, --json); to ping, leave out the messages
# `--host HOST:PORT` names $in_host, and --port another port.
two-ports = --host { $host } names port { $in_host }, and --port names { $port }: give the port once, in either
# `-i TEXT`: a bare number of 50 or more, which is seconds now, not milliseconds.
interval-in-seconds = -i { $text } waits { $text } seconds between datagrams: --interval is in seconds, as ping's -i is (it was milliseconds before); for milliseconds, write -i { $text }ms

## What was being done when an error came: "error: <this>: <why>"

creating-socket = creating a UDP socket for { $server }
connecting = setting { $server } as the peer
reading-local-address = reading the address the system bound the socket to
reading-input = reading standard input
setting-timeout = setting how long to wait for a reply
setting-aside-early = setting aside datagrams that came before the message was sent
