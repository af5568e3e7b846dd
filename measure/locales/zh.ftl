# measure 的中文句子：tcp-client 压测模式（-n、--duration）和 udp-client ping 模式（--ping）的错误及其
# 提示。每条错误读作“在做什么：为什么”（“为什么”来自操作系统，用 common 的说法）。标准输出上的报告
# 和日志行始终是英文，不在这里。技术名词（epoll、timerfd、ICMP、Ctrl-C）保持原样，用词与 tcp-client、
# udp-client 的句子一致。Fluent 语法：https://projectfluent.org/fluent/guide/
# 一行只说一件事：多行的消息打印时，后面几行缩进到第一行正文的下面（每行最长见 book/terms.toml）。

## 压测模式（tcp-client -n、--duration）：准备驱动所有连接的那一个线程

creating-epoll = 创建 epoll 实例
# 唤醒器让 Ctrl-C 能叫醒线程的等待。
creating-waker = 创建唤醒器 (waker)
creating-timer = 创建压测用的定时器 (timerfd)

## 压测模式：建立一个连接

# $server 是服务器的地址：127.0.0.1:8888。
connecting-to = 连接 { $server }
# $option 是套接字选项的名字：TCP_NODELAY。
setting-option = 设置 { $option }
# ping 模式对它的 UDP 套接字也这么说。
making-nonblocking = 把套接字设为非阻塞
registering-connection = 把连接注册到 epoll

## 压测模式：一次往返（连接、发送、读回回显并核对）

# 非阻塞的连接没有建立成功。
connecting = 建立连接
sending = 发送数据
reading-echo = 读取回显
# $timeout 是 --timeout，按 Rust 显示时长的写法：1s、500ms、1.5s。
no-reply = { $server } 在 { $timeout } 内没有回复
# $got 和 $size 是字节数：发出的 $size 字节里回来了 $got 字节。
load-closed-early = 服务器只回显了 { $size } 字节中的 { $got } 字节，就关闭了连接
echo-differs = 回显与发出的内容不一致
# $extra 是完整的回显之后又来的字节数。
load-sent-more = 服务器在回显之外多发了 { $extra } 字节
# 因为文件描述符不够，连接失败了：$why 是操作系统的说法（打开的文件过多），$limit 是打开文件数的
# 上限（已经调到硬上限），$opened 是已经开着的连接数。
out-of-descriptors =
    { $why }
    打开文件数的上限是 { $limit } 个文件描述符，已经开了 { $opened } 个连接。
# 它下面的提示：$wanted 是要开的连接数（-c），$needed 是它们大约需要的文件描述符数。
hint-out-of-descriptors =
    { $wanted } 个连接大约需要 { $needed } 个文件描述符。
    先在启动 tcp-client 的 shell 里用 `ulimit -n { $needed }` 调高上限，
    最多调到硬上限（见 `ulimit -Hn`）；
    或者用 -c 少开一些连接。
waiting-for-events = 等待套接字事件
setting-timer = 设置压测用的定时器 (timerfd)

## 压测模式：结束时，有往返失败了（第一次失败会记进日志）

round-trips-failed = { $all } 次往返中有 { $failed } 次失败

## ping 模式（udp-client --ping）

setting-up-stop = 设置 Ctrl-C，让 ping 模式结束时先打印汇总
waiting-for-replies = 等待 { $server } 的回复
# $sent 是发出的数据报个数，一个回复也没有。
no-ping-answer = { $sent ->
        [1] 发出的 1 个数据报没有得到回复
       *[other] { $sent } 个数据报全都没有得到回复
    }
# no-ping-answer 下面的提示：来了 $strays 个数据报，但都不是 ping 发出的数据报的回复。
hint-ping-strays =
    来了 { $strays } 个数据报，但它们不是其中任何一个的回复。
    ping 模式只认数据报的原样回显或大写（开头是序号），
    而这个服务器回的是别的内容。
# no-ping-answer 下面的提示：有 $unreachable 个数据报换回了 ICMP 端口不可达消息；
# $start 是在那个端口上启动服务器的命令：cargo run -p udp-server -- --port 9000。
hint-ping-unreachable =
    有 { $unreachable } 个数据报换回了 ICMP 端口不可达消息：
    那个端口上没有程序在监听。
    先用 `{ $start }` 启动服务器。
# 同时给了 --count 和 --deadline：到 --deadline（$deadline，按 Rust 显示时长的写法：2s、1.5s）只收到
# $received 个回复，少于 --count 要求的 $count 个。
ping-short-of-count = --count 要求 { $count } 个回复，但在 --deadline 规定的 { $deadline } 内只收到 { $received } 个
# tcp-client --size, more than this machine can address (a 32-bit system).
size-too-large = --size 太大，内存放不下

# --idle N：要开的连接数（$wanted，包括空闲的和 -c 的）超过了打开文件数上限（$limit，已提高到硬上限）；
# 需要 $needed 个文件描述符。
idle-over-descriptors = { $wanted } 个连接（-c，以及给了的话 --idle）需要的文件描述符，超过了打开文件数上限 { $limit }
hint-idle-over-descriptors =
    把硬上限提高到 { $needed } 以上：用 root 执行 `ulimit -Hn { $needed }`，
    服务则设 LimitNOFILE=；
    或者少开一些连接。
# --idle N：连接数（$wanted）超过了内核可选的临时端口数（$ports，连到同一个服务器地址时）。
idle-over-ports = { $wanted } 个连接（-c，以及给了的话 --idle）需要的临时端口，超过了内核可选的 { $ports } 个
hint-idle-over-ports = 扩大端口范围（`sysctl net.ipv4.ip_local_port_range`），或者少开一些连接
# 打开第 $i 个（共 $n 个）空闲连接时失败，原因在后面。
opening-idle = 打开第 { $i } 个空闲连接（共 { $n } 个，连到 { $server }）
# 最后检查时，$n 个空闲连接里有 $lost 个不再回显。
idle-lost = { $n } 个空闲连接里有 { $lost } 个不再回显：服务器关掉了它们，或者不再回复
# 空闲连接刚打开就被服务器关掉：多半是服务器的连接数满了。
hint-idle-closed =
    连接数满了的服务器会关掉新来的连接。
    tcp-server 默认同时只服务 1024 条连接，启动时用更大的 --max-connections。
