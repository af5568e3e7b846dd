# udp-client 的中文句子：--explain 对原文各个步骤的讲解、错误和提示、对按习惯敲错的参数的警告，
# 以及出错时客户端正在做的事（显示为“错误：<这里的话>：<原因>”）。ping 模式的句子在 measure
# crate 里；日志、服务器的回复和输入提示语保持英文，写在源代码里。
# 语法：Fluent，https://projectfluent.org/fluent/guide/（{ $name } 是程序填进去的值）。
# 一行只说一件事：多行的消息打印时，后面几行缩进到第一行正文的下面；选出空行的分支不打印；
# 每行最长见 book/terms.toml 的 max_line_chars（common/tests/terms.rs 检查）。技术名词保持原样（bind()、recvfrom()、ICMP、
# SOCK_DGRAM），用词和原文一致（套接字、数据报、临时端口、端口不可达）。

## 第 1 步：创建套接字

# $family：“IPv4 (AF_INET)”或“IPv6 (AF_INET6)”；$kind：“数据报 (SOCK_DGRAM)”（common 里的说法）。
created-socket =
    已创建套接字：{ $family } + { $kind } = UDP。
    它还没有地址，也没有端口。

## 第 2 步：连接（没人要求的那次绑定，然后是设定对端）

# $local：connect() 给套接字绑定的地址和端口；$port：其中的端口。
bound-implicitly =
    connect() 先把套接字绑定到了 { $local }。
    和原文的客户端一样，本客户端从不调用 bind()。
    套接字第一次被使用时，内核会隐式地绑定它：
    这里是 connect()，原文的客户端则是第一次 sendto()。
    端口是内核挑选的临时端口 { $port }。
    地址是通往服务器的路由所用的本机地址。
connected =
    把 { $server } 设为对端：没有发出任何数据包，UDP 没有连接需要建立。
    从现在起，内核会丢弃其他地址发来的数据报。
    如果那个端口上没有程序在监听，
    服务器的内核会用一条 ICMP 端口不可达消息回应我们的数据报。
    这个错误要等到之后的某次发送或接收时才报给我们，
    而且只因为这个套接字已连接才收得到。
    原文里未连接的客户端永远不会知道，会在 recvfrom() 里一直等下去。

## 第 3 步：发送

# $attempt：这是 $tries 次中的第几次。
sent = 向 { $server } 发送了一个 { $len } 字节的数据报（第 { $attempt } 次，共 { $tries } 次）

## 第 4 步：接收

# $reply：回复是消息的大写或原样回显时为 expected；是别的内容、但仍算作回复时为 other。
received = { $reply ->
    [expected] 从 { $server } 收到一个 { $len } 字节的数据报：这就是回复
   *[other]
        从 { $server } 收到一个 { $len } 字节的数据报：这就是回复。
        它既不是消息的大写，也不是原样回显，
        但它不属于之前任何一条还在等回复的消息，所以算作这一条的回复。
}
# 收到的数据报不是正在发送的这条消息的回复。$why：late（它是之前发出、已经放弃的 $message 的
# 回复）、repeat（它和之前发过不止一次的 $message 已得到的回复一样）、early（这条消息发出之前它就
# 已经在等着了；这时 $message 为空）。$message 里的引号会被转义：\" 表示消息里的一个引号。
set-aside =
    把一个 { $len } 字节的数据报放在一边，它不是这条消息的回复。
    { $why ->
        [late] 它是之前那条消息“{ $message }”的回复，那条消息没能按时得到回复。
        [repeat] 它和之前那条消息“{ $message }”的回复一模一样。
       *[early] 它在这条消息发出之前就到了，是对更早某个数据报的迟到回复。
    }
    { $why ->
        [repeat] 那条消息发过不止一次，这是对其中另一次的回复。
       *[other] {""}
    }
# $timeout（“500ms”、“1s”）内没有等到回复；其间来了 $n 个不是这条消息回复的数据报。
timed-out =
    { $n ->
        [0] { $timeout } 内什么也没收到。
       *[other] { $timeout } 内没有等到回复，只来了 { $n } 个数据报，不是这条消息的回复。
    }
    数据报或它的回复丢了或迟到了，也可能服务器没有回复。

## 错误和提示

# 发了 $tries 次，每次等 $timeout；其间来了 $n 个不是这条消息回复的数据报。
no-answer = { $n ->
    [0] 尝试 { $tries } 次（每次等 { $timeout }）后，{ $server } 仍没有回复
   *[other]
        尝试 { $tries } 次（每次等 { $timeout }）后，{ $server } 仍没有给出回复。
        { $n ->
            [1] 来了 1 个数据报，但它不是这条消息的回复。
           *[other] 来了 { $n } 个数据报，都不是这条消息的回复。
        }
}
# $n：同 no-answer。一个也没来时，不问“服务器在运行吗？”：套接字已连接，服务器不在的话会报
# 端口不可达（除非防火墙把它也吞了）。
hint-no-answer = { $n ->
    [0]
        数据报或它的回复可能在路上丢了，
        也可能是服务器选择不回复（例如限速，或回复太大、一个数据报装不下）。
        无论哪种情况，UDP 都不会告诉你。
   *[other]
        只有确定属于更早请求的数据报才会被放在一边：
        之前某条仍没等到回复的消息的回复，
        或在这条消息发出之前就已到达的数据报。
}
# 服务器的端口上没有程序在监听。$op：ICMP 错误报上来时的那次调用，send（发送）或 receive
# （接收）；$why：操作系统对它的说法。
port-unreachable =
    { $server } 上没有程序在监听。
    那台机器的内核用一条 ICMP 端口不可达消息回应了我们的数据报。
    这个错误直到本套接字下一次{ $op ->
        [send] 发送
       *[receive] 接收
    }时才报上来，
    表现为“{ $why }”。
# $start：用户在那个端口上启动服务器的命令（“cargo run -p udp-server -- --port 9000”）。
hint-port-unreachable =
    先用 `{ $start }` 启动服务器。
    我们能得知这条 ICMP 消息，只是因为套接字已连接：
    原文里未连接的客户端永远不会知道，会在 recvfrom() 里一直等下去。
# 已连接套接字上的一次发送或接收失败了；$why：操作系统的说法。
failed = { $op ->
    [send] 向 { $server } 发送：{ $why }
   *[receive] 等待 { $server } 的回复：{ $why }
}
# $version：“IPv4”或“IPv6”，一个数据报最多装 $limit 字节。
too-long =
    { $len } 字节超过了发往 { $server } 的一个 UDP 数据报能装下的上限：
    经 { $version } 最多 { $limit } 字节。
    什么都没有发送。
# 发出的消息（命令行给的或逐行读入的）：$total 条中有 $unanswered 条没有得到回复（每条都已经报过错）。
messages-unanswered = { $total } 条消息中有 { $unanswered } 条没有得到回复
# 主机名解析出的每个地址都试过了，一个也不剩。
no-address = 没有可以发送的地址了
# 回复不是 UTF-8：$len 个字节里有 $bad 个不属于任何字符。$shown：标准输出是终端时为“escaped”
# （这些字节显示成 \xNN），不是终端时为“raw”（原样写出）。
reply-not-utf8 =
    来自 { $server } 的回复不是 UTF-8 文本：
    它的 { $len } 个字节里有 { $bad } 个不属于任何字符。
    { $shown ->
        [escaped] 这些字节显示成了 \xNN。
       *[raw] 这些字节已原样写到标准输出。
    }

## 按习惯敲的参数：用惯 ping 或 `nc HOST PORT` 的人会这样写

# 警告行的标签，就像“错误：”是错误行的标签。
warning-label = 警告：
# 第一个 MESSAGE 看起来像服务器的地址，却会作为文字发往 $server；$command 是和它所指的那台服务器
# 通信的命令。$message 里的引号会被转义，同 set-aside。
message-looks-like-a-server =
    “{ $message }”看起来像服务器的地址，但 MESSAGE 是要发送的文字：
    它会作为一个数据报发往 { $server }。
    如果想和那台服务器通信，请用：
    { $command }
# 要求了 ping 模式，却又给了一个看起来像服务器的 MESSAGE。
server-given-as-a-message =
    “{ $message }”看起来像服务器的地址，却写在了 MESSAGE 的位置。
    udp-client（包括 ping 模式）的服务器要用 --host 和 --port 指定。
hint-ping-that-server =
    要 ping 那台服务器，请用：
    { $command }
# 要求了 ping 模式，却又给了 MESSAGE。
ping-takes-no-messages = ping 模式发送自己编号的数据报，不接受 MESSAGE（却给了“{ $message }”）
hint-ping-takes-no-messages =
    要发送消息，就去掉 ping 的选项（--ping、-c、-i、-w、-s、-q、--json）。
    要 ping，就去掉消息。
# `--host HOST:PORT` 写了端口 $in_host，--port 又写了另一个。
two-ports =
    --host { $host } 里写了端口 { $in_host }，--port 又写了 { $port }。
    端口只需给一次，写在哪边都行。
# `-i TEXT`：50 或更大的纯数字，现在按秒算，不再按毫秒。
interval-in-seconds =
    -i { $text } 表示每两个数据报之间等 { $text } 秒。
    --interval 的单位是秒，和 ping 的 -i 一样（以前是毫秒）。
    要写毫秒，请用 -i { $text }ms。

## 出错时正在做的事：“错误：<这里的话>：<原因>”

creating-socket = 为 { $server } 创建 UDP 套接字
connecting = 把 { $server } 设为对端
reading-local-address = 读取内核为套接字绑定的地址
reading-input = 读取标准输入
setting-timeout = 设置等待回复的时间
setting-aside-early = 把消息发出前就已到达的数据报放在一边
