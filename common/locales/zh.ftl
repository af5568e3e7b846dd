# common 的中文句子：四个程序共用的说法（原文各个步骤的名字、谁能访问一个地址、错误和提示的标签、
# 操作系统的错误，以及主机名和端口的错误）。Fluent 语法：https://projectfluent.org/fluent/guide/
# 各程序自己的句子在各自的 locales/ 目录里。操作系统错误在括号里保留英文原话，方便搜索。

## --explain：“[步骤 2 绑定地址和端口] 已绑定到 ……”

# 步骤编号前的那个词。
step-word = 步骤
step-name = { $step ->
    [socket] 创建套接字
    [bind] 绑定地址和端口
    [listen] 监听连接
    [accept] 接受连接
    [exchange] 数据交换
    [close] 关闭
    [connect] 连接
    [send] 发送
   *[receive] 接收
}
socket-type = { $kind ->
    [stream] 流式 (SOCK_STREAM)
   *[datagram] 数据报 (SOCK_DGRAM)
}
# 服务器绑定的地址谁能访问。
reach = { $reach ->
    [loopback] 这是回环地址：只有本机上的程序能访问它。
    [everywhere] 这是本机的所有地址：其他机器也能访问它。
   *[one] 这是本机的一个地址：能路由到它的机器都能访问它。
}

## 失败时怎么说：“错误：在做什么：为什么”，然后“提示：该怎么办”

error-label = 错误：
hint-label = 提示：
# 把错误和它的原因连成一行的符号。
joiner = ：
cannot-listen = 无法在 { $addr } 上监听：{ $why }
hint-addr-in-use = 可能已有另一个服务器在用这个端口：先停掉它，或用 --port 换一个端口（0 表示让内核挑一个空闲的）
hint-privileged-port = 1024 以下的端口需要特权：请选一个大于 1023 的端口
hint-addr-not-available = 这个地址不属于本机：试试 127.0.0.1 或 0.0.0.0
host-empty = 主机名为空：请给出主机名，或 127.0.0.1 这样的地址
# $host 带引号："localhost"。
cannot-resolve = 无法解析主机名 { $host }
no-addresses = 主机 { $host } 没有任何地址
installing-signal-handler = 安装 Ctrl-C 处理程序
starting-thread = 启动线程
# 程序启动时标准输出就已关闭（PROGRAM >&-）：它打印的内容都会丢失。
stdout-closed = 标准输出已关闭（shell 里的 >&- 就会这样）：这个程序打印的内容谁也看不到
# 服务器的 `listening on` 这一行写不出去；$addr 是它监听的地址。
announcing = 输出 `listening on { $addr }` 这一行

## 程序会遇到的操作系统错误

os-operation-not-permitted = 操作不允许 (operation not permitted)
os-would-block = 资源暂时不可用 (resource temporarily unavailable)
os-permission-denied = 权限不足 (permission denied)
os-too-many-open-files = 打开的文件过多 (too many open files)
os-broken-pipe = 管道已断开 (broken pipe)
os-message-too-long = 消息太长 (message too long)
os-address-family-not-supported = 不支持该地址族 (address family not supported by protocol)
os-address-in-use = 地址已被占用 (address already in use)
os-address-not-available = 无法使用该地址 (cannot assign requested address)
os-network-unreachable = 网络不可达 (network is unreachable)
os-connection-aborted = 连接被本机中止 (software caused connection abort)
os-connection-reset = 连接被对方复位 (connection reset by peer)
os-no-buffer-space = 没有可用的缓冲区空间 (no buffer space available)
os-not-connected = 套接字未连接 (transport endpoint is not connected)
os-timed-out = 连接超时 (connection timed out)
os-connection-refused = 连接被拒绝 (connection refused)
os-host-unreachable = 主机不可达 (no route to host)
# 没有操作系统错误号的错误：程序自己计的超时、数据没收完连接就结束了。
io-timed-out = 超时 (timed out)
io-unexpected-eof = 数据没收完连接就结束了 (unexpected end of file)
