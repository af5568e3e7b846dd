# tcp-client 的中文句子：--explain 对原文各个步骤的讲解、错误和提示。
# Fluent 语法：https://projectfluent.org/fluent/guide/
# 各程序共用的词（步骤名、“错误：”和“提示：”、操作系统的错误）在 common/locales/ 里；负载模式自己的
# 句子属于 measure 这个 crate。stdout 上的内容（回复、负载模式的报告）和日志保持英文，不在这里。
# 步骤沿用原文的说法（套接字、三次握手、四次挥手、临时端口）；connect()、SYN、FIN、TIME_WAIT 这些
# 技术名词照原样写。一行只说一件事：多行的消息打印时，后面几行缩进到第一行正文的下面；选出空行的
# 分支不打印。每行最长多少见 book/terms.toml 的 max_line_chars（common/tests/terms.rs 检查）。

## 步骤 1 和 2：创建套接字，connect() 和它里面的三次握手

# $family 是 “IPv4 (AF_INET)” 或 “IPv6 (AF_INET6)”；$kind 是 “流式 (SOCK_STREAM)”。
creating-socket = 正在创建套接字：{ $family } + { $kind } = TCP
# $local 是我们这一端的地址（临时端口是 $port），$server 是服务器的地址。
connected =
    已从 { $local } 连接到 { $server }。
    connect() 发出 SYN 后立即返回（非阻塞，EINPROGRESS）。
    我们在 poll() 里等着，服务器的 SYN-ACK 回来了。
    内核再回一个 ACK，三次握手完成。
    端口 { $port } 是内核为我们挑选的临时端口。

## 步骤 3 和 4：发出一条消息，读回它的回显

sent = 已发送 { $bytes } 字节
# 这次读到 $bytes 字节；这条消息的 $sent 字节已收回 $so_far 字节。
received =
    收到 { $bytes } 字节：刚发出的 { $sent } 字节已收回 { $so_far } 字节。
    TCP 是字节流：一个回复可能要分几次才能读完。

## 步骤 5：四次挥手

# shutdown(Write) 之后。服务器的 FIN 先于我们的到达时，$first 是 “server”。
shut-down = { $first ->
    [server]
        用 shutdown(Write) 关闭了我们的发送方向。
        服务器已经先关闭了它那一端：它的 FIN 已到，我们的内核回了 ACK。
        所以我们的 FIN 是四次挥手的后一半，由服务器回 ACK。
   *[ours]
        用 shutdown(Write) 关闭了我们的发送方向，我们的 FIN 排队发出。
        这是四次挥手的前一半。
        shutdown() 不等对方的 ACK。
        在回环上，这个 ACK 通常捎带在服务器自己的 FIN 上。
        服务器会读到 EOF。
}
# 读到了服务器的 EOF（它的 FIN）。$first 同上。
server-closed = { $first ->
    [server] 服务器在它的 FIN 之前，除了回显没有多发任何数据
   *[ours]
        服务器也关闭了它那一端：它的 FIN 到了，我们的内核回以 ACK。
        这是四次挥手的后一半。
        除了回显，它没有多发任何数据。
}
# close() 之后，四种情况之一：先发 FIN 的是我们（$port 是 $local 里我们的临时端口）……
closed-ours-first =
    已关闭套接字。先发 FIN 的是我们。
    所以从这次关闭起，我们这一端 { $local } 要在 TIME_WAIT 停留 60 秒。
    Linux 上这是固定的 TCP_TIMEWAIT_LEN；RFC 9293 的 2MSL 会是 4 分钟。
    程序结束与否都一样。
    这期间服务器若重发 FIN，仍能得到 ACK。
    这个连接迟到的旧报文也有时间消失，
    不会被之后用同一对地址和端口的新连接误收。
    `ss -tan` 看到的 TIME-WAIT 在我们的临时端口 { $port } 上，
    而不在服务器的端口上。
# ……先发 FIN 的是服务器……
closed-server-first =
    已关闭套接字。先发 FIN 的是服务器。
    所以 TIME_WAIT（Linux 上固定 60 秒）留在它那一端 { $server }。
    我们这一端 { $local } 在服务器对我们的 FIN 回了 ACK 后就消失了。
# ……服务器的 FIN 在 $waited（比如 500ms）内没有来……
closed-server-open =
    已关闭套接字，但服务器还没关闭它那一端：{ $waited } 内没等到它的 FIN。
    我们这一端 { $local } 在 FIN_WAIT_2 状态等这个 FIN。
    最多等 net.ipv4.tcp_fin_timeout（默认 60 秒）。
    等到了就进入 TIME_WAIT。
# ……或者服务器复位了连接。
closed-reset =
    已关闭套接字。{ $server } 在回显之后用 RST 复位了连接，而不是正常关闭。
    所以两端都不会留在 TIME_WAIT。

## 连接时的错误（前面是“错误：”，提示前面是“提示：”）

no-address = 没有可以连接的地址
# $why 是操作系统错误的说法。
cannot-connect = 无法连接到 { $addr }：{ $why }
# $start 是在所连端口上启动服务器的命令，比如 `cargo run -p tcp-server -- --port 9000`。
hint-start-server = 服务器在运行吗？用 `{ $start }` 启动它
# $timeout 是 --timeout，比如 5s 或 500ms。
hint-no-answer = { $timeout } 内没有回应：检查主机和端口，或调大 --timeout
reading-local-address = 读取本机这一端的地址
# $option 是套接字选项的名字，比如 TCP_NODELAY。
setting-option = 设置 { $option }

## 数据交换时的错误：回复共 $of 字节，已收到 $got 字节

reading-stdin = 读取标准输入
sending-to = 向 { $server } 发送数据：{ $why }
closed-early = { $server } 只发回了回复 { $of } 字节中的 { $got } 字节，就关闭了连接
reading-reply-from = 读取 { $server } 的回复：{ $why }
# 回复收到一半时出错：$why 是出了什么错，已是完整的一句。
after-bytes = 回复 { $of } 字节只收到 { $got } 字节：{ $why }
# $at 从 0 数起。
reply-differs = { $server } 的回复与发出的内容不一致，从第 { $at } 字节（从 0 数起）开始
no-reply = { $server } 在 { $timeout } 内没有回复
reset = { $server } 复位了连接
sent-more = { $server } 在回显之外多发了 { $extra } 字节

## 负载模式


## 在 MESSAGE 的位置写了地址，或在 --host 里写了端口。$command 是用户运行本程序的命令
## （tcp-client，或 cargo run -p tcp-client --）。

# 警告行的标签，就像错误行的“错误：”。
warning-label = 警告：
# 第一个 MESSAGE 肯定是主机：IP 地址、主机:端口，或主机名后跟一个端口号。
message-is-a-host = “{ $message }”看起来是要连接的主机，而不是要发送的消息
hint-message-is-a-host =
    要连接 { $host } 的 { $port } 端口，请用：
    { $command } --host { $host } --port { $port }
    如果确实要把“{ $message }”当作消息发送，请从管道输入：
    echo '{ $message }' | { $command } --stdin
# 第一个 MESSAGE 可能是主机（带点的名字）：照样发送，但先给出这条警告。
message-may-be-a-host = “{ $message }”看起来像主机名；它会被当作消息，发送到 { $host } 的 { $port } 端口
hint-message-may-be-a-host =
    如果要连接的是 { $host }，请用：
    { $command } --host { $host } --port { $port }
# --host 主机:端口（$arg）里写的端口是 $in_host，而 --port 给的是 $flag。
host-port-conflict = --host { $arg } 里写的端口是 { $in_host }，而 --port 给的是 { $flag }
hint-host-port-conflict =
    端口只给一次，用 --port：
    `--host { $host } --port { $in_host }`
    或 `--host { $host } --port { $flag }`
# --host 主机:X（$arg），X（$port）不是端口号。
host-bad-port = --host { $arg }：冒号后面的“{ $port }”不是端口号（应为 1 到 65535）
hint-host-bad-port = --host 只写主机，端口用 --port 给出：`--host { $host } --port PORT`
