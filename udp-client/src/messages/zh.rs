//! udp-client's sentences in Chinese (中文), for the document's readers. Technical tokens stay
//! as they are (`bind()`, `recvfrom()`, ICMP, SOCK_DGRAM); the words are the document's
//! (套接字, 数据报, 临时端口, 端口不可达).

use std::net::SocketAddr;
use std::time::Duration;

use super::{Messages, NotTheAnswer, Op};

pub struct Chinese;

impl Messages for Chinese {
    fn created_socket(&self, family: &str, socket_type: &str) -> String {
        format!("已创建套接字：{family} + {socket_type} = UDP；它还没有地址，也没有端口")
    }

    fn bound_implicitly(&self, local: SocketAddr) -> String {
        format!(
            "connect() 先把套接字绑定到了 {local}：和文档里的客户端一样，本客户端从不调用 \
             bind()，套接字第一次被使用时（这里是 connect()，文档的客户端则是第一次 sendto()），\
             系统会隐式地绑定它：端口是系统挑选的临时端口 {}，地址是通往服务器的路由所用的本机地址",
            local.port()
        )
    }

    fn connected(&self, server: SocketAddr) -> String {
        format!(
            "把 {server} 设为对端：没有发出任何数据包，UDP 没有连接需要建立。从现在起，系统会丢弃\
             其他地址发来的数据报；如果那个端口上没有程序在监听，服务器的系统会用一条 ICMP 端口\
             不可达消息回应我们的数据报，这个错误要等到之后的某次发送或接收时才报给我们，而且只因为\
             这个套接字已连接才收得到（文档里未连接的客户端永远不会知道，会在 recvfrom() 里一直等\
             下去）"
        )
    }

    fn sent(&self, len: usize, server: SocketAddr, attempt: u32, tries: u32) -> String {
        format!("向 {server} 发送了一个 {len} 字节的数据报（第 {attempt} 次，共 {tries} 次）")
    }

    fn received(&self, len: usize, server: SocketAddr, expected: bool) -> String {
        if expected {
            format!("从 {server} 收到一个 {len} 字节的数据报：这就是回答")
        } else {
            format!(
                "从 {server} 收到一个 {len} 字节的数据报：这就是回答。它既不是消息的大写，也不是\
                 原样回显，但它不属于之前任何一条还在等回答的消息，所以算作这一条的回答"
            )
        }
    }

    fn set_aside(&self, len: usize, why: &NotTheAnswer) -> String {
        let why = match why {
            NotTheAnswer::Late { message } => {
                format!("它是之前那条消息“{message}”的回复，那条消息没能按时得到回答")
            }
            NotTheAnswer::Repeat { message } => format!(
                "它和之前那条消息“{message}”的回答一模一样；那条消息发过不止一次，这是对其中\
                 另一次的回复"
            ),
            NotTheAnswer::Early => {
                "它在这条消息发出之前就到了，是对更早某个数据报的迟到回复".to_owned()
            }
        };
        format!("把一个 {len} 字节的数据报放在一边，它不是回答：{why}")
    }

    fn timed_out(&self, timeout: Duration, set_aside: u64) -> String {
        let what = if set_aside == 0 {
            format!("{timeout:?} 内什么也没收到")
        } else {
            format!("{timeout:?} 内没有等到回答，只来了 {set_aside} 个不是回答的数据报")
        };
        format!("{what}：数据报或它的回复丢了或迟到了，也可能服务器没有回答")
    }

    fn no_answer(
        &self,
        server: SocketAddr,
        tries: u32,
        timeout: Duration,
        set_aside: u64,
    ) -> String {
        if set_aside == 0 {
            format!("尝试 {tries} 次（每次等 {timeout:?}）后，{server} 仍没有回复")
        } else {
            let came = match set_aside {
                1 => "来了 1 个数据报，但它不是回答".to_owned(),
                n => format!("来了 {n} 个数据报，都不是回答"),
            };
            format!("尝试 {tries} 次（每次等 {timeout:?}）后，{server} 仍没有给出回答：{came}")
        }
    }

    fn hint_no_answer(&self, set_aside: u64) -> &'static str {
        if set_aside == 0 {
            "数据报或它的回复可能在路上丢了，也可能是服务器选择不回答（例如限速，或回复太大、一个\
             数据报装不下）；无论哪种情况，UDP 都不会告诉你"
        } else {
            "只有确定属于更早请求的数据报才会被放在一边：之前一条仍未得到回答的消息的回复，或在\
             这条消息发出之前就已到达的数据报"
        }
    }

    fn port_unreachable(&self, server: SocketAddr, os_error: &str, op: Op) -> String {
        let op = match op {
            Op::Send => "发送",
            Op::Receive => "接收",
        };
        format!(
            "{server} 上没有程序在监听：那台机器的系统用一条 ICMP 端口不可达消息回应了我们的\
             数据报，这个错误直到本套接字下一次{op}时才报上来，表现为“{os_error}”"
        )
    }

    fn hint_port_unreachable(&self, start: &str) -> String {
        format!(
            "先用 `{start}` 启动服务器（--port 要一致）；我们能得知这条 ICMP 消息，\
             只是因为套接字已连接：文档里未连接的客户端永远不会知道，会在 recvfrom() 里一直等下去"
        )
    }

    fn failed(&self, op: Op, server: SocketAddr, why: &str) -> String {
        match op {
            Op::Send => format!("向 {server} 发送：{why}"),
            Op::Receive => format!("等待 {server} 的回复：{why}"),
        }
    }

    fn too_long(&self, len: usize, server: SocketAddr, limit: usize, version: &str) -> String {
        format!(
            "{len} 字节超过了发往 {server} 的一个 UDP 数据报能装下的上限（经 {version} 最多 \
             {limit} 字节）：什么都没有发送"
        )
    }

    fn messages_unanswered(&self, unanswered: usize, total: usize) -> String {
        format!("{total} 条消息中有 {unanswered} 条没有得到回答")
    }

    fn warning(&self) -> &'static str {
        "警告："
    }

    fn message_looks_like_a_server(
        &self,
        message: &str,
        server: SocketAddr,
        command: &str,
    ) -> String {
        format!(
            "“{message}”看起来像服务器的地址，但 MESSAGE 是要发送的文字：它会作为一个数据报发往 \
             {server}。如果想和那台服务器通信，请用：`{command}`"
        )
    }

    fn server_given_as_a_message(&self, message: &str) -> String {
        format!(
            "“{message}”看起来像服务器的地址，却写在了 MESSAGE 的位置：udp-client（包括 ping \
             模式）的服务器要用 --host 和 --port 指定"
        )
    }

    fn hint_ping_that_server(&self, command: &str) -> String {
        format!("要 ping 那台服务器，请用：`{command}`")
    }

    fn ping_takes_no_messages(&self, message: &str) -> String {
        format!("ping 模式发送自己编号的数据报，不接受 MESSAGE（却给了“{message}”）")
    }

    fn hint_ping_takes_no_messages(&self) -> &'static str {
        "要发送消息，就去掉 ping 的选项（--ping、-c、-i、-w、-s、-q、--json）；要 ping，就去掉消息"
    }

    fn two_ports(&self, host: &str, in_host: u16, port: u16) -> String {
        format!(
            "--host {host} 里写了端口 {in_host}，--port 又写了 {port}：端口只需给一次，写在哪边都行"
        )
    }

    fn interval_in_seconds(&self, text: &str) -> String {
        format!(
            "-i {text} 表示每两个数据报之间等 {text} 秒：--interval 的单位是秒，和 ping 的 -i \
             一样（以前是毫秒）；要写毫秒，请用 -i {text}ms"
        )
    }

    fn creating_socket(&self, server: SocketAddr) -> String {
        format!("为 {server} 创建 UDP 套接字")
    }

    fn connecting(&self, server: SocketAddr) -> String {
        format!("把 {server} 设为对端")
    }

    fn reading_local_address(&self) -> &'static str {
        "读取系统为套接字绑定的地址"
    }

    fn reading_input(&self) -> &'static str {
        "读取标准输入"
    }

    fn setting_timeout(&self) -> &'static str {
        "设置等待回复的时间"
    }

    fn setting_aside_early(&self) -> &'static str {
        "把消息发出前就已到达的数据报放在一边"
    }
}
