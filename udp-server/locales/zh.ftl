# udp-server 的中文句子：--explain 对原文各个步骤的讲解，以及让服务器停下的错误。
# Fluent 语法：https://projectfluent.org/fluent/guide/
# 日志行不论哪种语言都是英文，不在这里（--explain 时，讲解代替了 info 级的日志行）；各程序共用的说法（步骤名、“错误：”、操作系统的错误）在
# common/locales/ 里。listen()、accept()、UDP 这类技术名词保持原样。

## --explain：原文的各个步骤，“[步骤 1 创建套接字] 已创建套接字：……”

# $family：“IPv4 (AF_INET)”或“IPv6 (AF_INET6)”；$kind：“数据报 (SOCK_DGRAM)”（common 的 socket-type）。
created-socket = 已创建套接字：{ $family } + { $kind } = UDP
# $addr：实际绑定的地址，如 127.0.0.1:12345；$reach：谁能访问它（common 的 reach）。
bound =
    已绑定到 { $addr }。
    { $reach }
    UDP 没有 listen()，也没有 accept()：它是无连接的。
    数据报直接送到这个套接字。
# $len：数据报的字节数；$from：它来自的地址。
received = 收到来自 { $from } 的一个 { $len } 字节的数据报
# $len：回复的字节数；$to：发往的地址。
sent = 已把转成大写后的数据（{ $len } 字节）发回 { $to }（能否送到，UDP 不会告诉我们）
# 限速（--rate-limit）时：$from 每秒发来的数据报超过了它每秒能得到回复的次数。
over-rate-limit = 没有回复：{ $from } 已超出速率限制

## 停下时（Ctrl-C）：原文的 with 语句在这时关闭套接字

# $answered：回复了的数据报数；$dropped：丢弃的数据报数；$limited 为 "yes" 时（开了 --rate-limit），
# $rate_limited 是因为超出速率限制而没有回复的数据报数。
stopped =
    服务器已停止，套接字随之关闭。
    共回复了 { $answered } 个数据报，丢弃了 { $dropped } 个。
    { $limited ->
        [yes] 因为超出速率限制而没有回复的有 { $rate_limited } 个。
       *[no] {""}
    }

## 出错让服务器停下时正在做什么：“错误：为 …… 创建 UDP 套接字：原因”

# $addr：要求的地址（--host、--port）。
creating-socket = 为 { $addr } 创建 UDP 套接字
reading-bound-address = 读取 { $addr } 实际绑定的地址
setting-receive-timeout = 设置接收超时
starting-worker = 启动工作线程
worker-panicked = 一个工作线程崩溃了 (panic)
