# tcp-server's sentences for people, in Chinese (中文): the --explain narration of the blog
# post's (原文的) steps, then what the server was doing when an error came (shown as
# "错误：<this>：<why>"). Technical tokens (accept(), FIN, SO_REUSEADDR) stay as they are.
# Syntax: Fluent, https://projectfluent.org/fluent/guide/ ({ $name } is a value the program
# fills in). One fact a line: a message of several lines is printed with its later lines
# indented under the first one's text; a line that comes out empty is not printed. A line holds
# at most book/terms.toml's max_line_chars (common/tests/terms.rs counts them).
# Terms: 内核 (the kernel), 原文 (the blog post), 读到 EOF, 回复, 复位 (RST), 捎带, 四元组, 已连接套接字.

## Step 1: create the socket

# $family: "IPv4 (AF_INET)" or "IPv6 (AF_INET6)"; $kind: "流式 (SOCK_STREAM)" (common's words).
created-socket = 已创建套接字：{ $family } + { $kind } = TCP

## Step 2: bind

# $reach: who can connect to that address, e.g. "这是回环地址：只有本机上的程序能访问它" (common's words).
bound =
    已绑定到 { $addr }。
    { $reach }

## Step 3: listen

# $queue: the accept queue's real length; $cap: whether the kernel lowered --backlog
# ($asked) to net.core.somaxconn ($somaxconn), may lower it (its cap was not read), or took it;
# $linux：在 Linux 上为 "yes"，Linux 内核会比 backlog 多放一个（$plus_one）。
listening =
    开始监听。从现在起，三次握手由内核自己完成。
    握手完成的连接进入全连接队列，等 accept() 取走。
    这个队列最多放 { $queue } 个连接{ $cap ->
        [capped] ：--backlog { $asked } 要得更多，
       *[other] 。
    }
    { $cap ->
        [capped] 但内核把它限制在了 net.core.somaxconn = { $somaxconn }。
        [unknown] 也可能更少：操作系统可能会限制它。
       *[kept] {""}
    }
    { $linux ->
        [yes] Linux 实际会多放一个：放满 { $plus_one } 个（超过 backlog）才算满。
       *[other] {""}
    }
    backlog 是这个队列的长度，不是最大连接数。

# 第 3 步之后说：$limit 是现在的打开文件数上限；$before 是启动时的软上限；$raised 为
# "raised"（已提高到硬上限）或 "kept"（本来就是）；$connections 是同时最多保持的连接数。
descriptors =
    每条连接都要占一个文件描述符。
    打开文件数的上限是 { $limit }{ $raised ->
        [raised] （启动时从 { $before } 提高上来）。
       *[kept] 。
    }
    所以服务器同时最多保持 { $connections } 条连接（--max-connections）。

## Step 4: accept

# $peer: the client's address and port; $port: that port alone.
accepted =
    已接受 { $peer } 的连接。
    为这个客户端单独创建了一个新套接字，即已连接套接字。
    监听套接字继续监听。
    端口 { $port } 是客户端的内核挑选的临时端口。

## Step 5: exchange data

exchanged = 从 { $peer } 收到 { $received } 字节，回发 { $sent } 字节

## Step 6: close

# $echoed: bytes echoed on the connection in all; $why: how it ended.
closing =
    关闭与 { $peer } 通信的套接字，共回显 { $echoed } 字节。
    { $why ->
        [finished] 客户端关闭了它的发送方向：它的 FIN 到了，我们读到 EOF。
        [failed] 原因：连接出错。
        [idle] 原因：空闲太久。
        [evicted] 原因：服务器已满，而它空闲得最久。
       *[stopping] 原因：服务器正在停止。
    }
    { $why ->
        [finished] 回显也已全部发给它，我们的 close() 发出我们的 FIN。
       *[other] {""}
    }

## Stopping (Ctrl-C): the post stops the server by closing the listening socket

# $grace: the seconds open connections get to finish.
stopping =
    收到 Ctrl-C，服务器开始停止。
    监听套接字不再接受新连接。
    已打开的连接还有 { $grace } 秒收尾；再按一次 Ctrl-C 立即退出。
# At the end: $served connections served, $echoed bytes echoed; $full is "yes" when the server was
# full at some time: it refused $refused new connections and closed $evicted idle ones (--max-connections $max).
stopped =
    服务器已停止。
    共服务了 { $served } 条连接，回显了 { $echoed } 字节。
    { $full ->
        [yes] 连接数满时，拒绝了 { $refused } 条新连接，
       *[no] {""}
    }
    { $full ->
        [yes] 并关掉了 { $evicted } 条空闲的连接来腾位置（--max-connections { $max }）。
       *[no] {""}
    }

## What the server was doing when an error came

creating-socket = 为 { $addr } 创建 TCP 套接字
# $option: a socket option's name, such as SO_REUSEADDR.
setting-option = 在 { $addr } 的套接字上设置 { $option }
making-nonblocking = 把 { $addr } 的套接字设为非阻塞
reading-bound-address = 读取 { $addr } 实际绑定的地址
sharing-listener = 在线程之间共享监听套接字
creating-epoll = 创建事件队列（Linux 上是 epoll，macOS 上是 kqueue）
registering-listener = 把监听套接字注册到事件队列
creating-waker = 创建唤醒器 (waker)
waiting-for-events = 等待套接字事件
worker-panicked = 一个工作线程崩溃了 (panic)
