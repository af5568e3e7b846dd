//! tcp-client's sentences in Chinese (中文), for the document's readers. The steps keep the
//! document's words (套接字, 三次握手, 四次挥手, 临时端口); technical tokens (`connect()`, SYN,
//! FIN, TIME_WAIT) stay as they are.

use std::net::SocketAddr;
use std::time::Duration;

use super::{Ending, Messages};

pub struct Chinese;

impl Messages for Chinese {
    fn creating_socket(&self, family: &str, socket_type: &str) -> String {
        format!("正在创建套接字：{family} + {socket_type} = TCP")
    }

    fn connected(&self, local: SocketAddr, server: SocketAddr) -> String {
        format!(
            "已从 {local} 连接到 {server}：在 connect() 里，我们发出 SYN，服务器回以 SYN-ACK，\
             我们再回一个 ACK，三次握手就完成了；端口 {} 是本机系统为我们挑选的临时端口",
            local.port()
        )
    }

    fn sent(&self, bytes: usize) -> String {
        format!("已发送 {bytes} 字节")
    }

    fn received(&self, bytes: usize, so_far: usize, sent: usize) -> String {
        format!(
            "收到 {bytes} 字节：刚发出的 {sent} 字节已收回 {so_far} 字节（TCP 是字节流：\
             一个回复可能要分几次才能读完）"
        )
    }

    fn shut_down(&self, server_first: bool) -> String {
        if server_first {
            "用 shutdown(Write) 关闭了我们的发送方向；服务器已经先关闭了它那一端（它的 FIN \
             已到，我们的系统回了 ACK），所以我们的 FIN 是四次挥手的后一半，由服务器回 ACK"
                .to_string()
        } else {
            "用 shutdown(Write) 关闭了我们的发送方向：我们的 FIN 发了出去，服务器的系统回以 \
             ACK，这是四次挥手的前一半；服务器会读到流结束"
                .to_string()
        }
    }

    fn server_closed(&self, server_first: bool) -> String {
        if server_first {
            "服务器在它的 FIN 之前，除了回显没有多发任何数据".to_string()
        } else {
            "服务器也关闭了它那一端：它的 FIN 到了，我们的系统回以 ACK，这是四次挥手的后一半；\
             除了回显，它没有多发任何数据"
                .to_string()
        }
    }

    fn closed(&self, ending: Ending, local: SocketAddr, server: SocketAddr) -> String {
        match ending {
            Ending::OursFirst => format!(
                "已关闭套接字。先发 FIN 的是我们，所以程序结束后，我们这一端 {local} 还要在 \
                 TIME_WAIT 状态停留 2MSL（Linux 上固定为 60 秒）：服务器若重发 FIN，仍能得到 \
                 ACK；这个连接迟到的旧报文也有时间消失，不会被之后用同一对地址和端口的新连接误收。\
                 `ss -tan` 看到的 TIME-WAIT 在我们的临时端口 {} 上，而不在服务器的端口上",
                local.port()
            ),
            Ending::ServerFirst => format!(
                "已关闭套接字。先发 FIN 的是服务器，所以 TIME_WAIT（2MSL，Linux 上为 60 秒）\
                 留在它那一端 {server}；我们这一端 {local} 在服务器对我们的 FIN 回了 ACK 后就\
                 消失了"
            ),
            Ending::ServerStillOpen { waited } => format!(
                "已关闭套接字，但服务器还没关闭它那一端（{waited:?} 内没等到它的 FIN）：\
                 我们这一端 {local} 在 FIN_WAIT_2 状态等这个 FIN，最多等 \
                 net.ipv4.tcp_fin_timeout（默认 60 秒）；等到了就进入 TIME_WAIT"
            ),
            Ending::Reset => format!(
                "已关闭套接字。{server} 在回显之后用 RST 重置了连接，而不是正常关闭，所以两端\
                 都不会留在 TIME_WAIT"
            ),
        }
    }

    fn reading_local_address(&self) -> &'static str {
        "读取本机这一端的地址"
    }

    fn setting_option(&self, option: &str) -> String {
        format!("设置 {option}")
    }

    fn reading_stdin(&self) -> &'static str {
        "读取标准输入"
    }

    fn size_too_large(&self) -> &'static str {
        "--size 太大，内存放不下"
    }

    fn no_address(&self) -> &'static str {
        "没有可以连接的地址"
    }

    fn cannot_connect(&self, addr: SocketAddr, why: &str) -> String {
        format!("无法连接到 {addr}：{why}")
    }

    fn hint_start_server(&self, start: &str) -> String {
        format!("服务器在运行吗？用 `{start}` 启动它（--port 要和这里一致）")
    }

    fn hint_no_answer(&self, timeout: Duration) -> String {
        format!("{timeout:?} 内没有回应：检查主机和端口，或调大 --timeout")
    }

    fn closed_early(&self, server: SocketAddr, got: usize, of: usize) -> String {
        format!("{server} 只发回了回复 {of} 字节中的 {got} 字节，就关闭了连接")
    }

    fn after_bytes(&self, got: usize, of: usize, why: &str) -> String {
        format!("回复 {of} 字节只收到 {got} 字节：{why}")
    }

    fn reply_differs(&self, server: SocketAddr, at: usize) -> String {
        format!("{server} 的回复与发出的内容不一致，从第 {at} 字节（从 0 数起）开始")
    }

    fn no_reply(&self, server: SocketAddr, timeout: Duration) -> String {
        format!("{server} 在 {timeout:?} 内没有回复")
    }

    fn reset(&self, server: SocketAddr) -> String {
        format!("{server} 重置了连接")
    }

    fn sending_to(&self, server: SocketAddr, why: &str) -> String {
        format!("向 {server} 发送数据：{why}")
    }

    fn reading_reply_from(&self, server: SocketAddr, why: &str) -> String {
        format!("读取 {server} 的回复：{why}")
    }

    fn sent_more(&self, server: SocketAddr, extra: u64) -> String {
        format!("{server} 在回显之外多发了 {extra} 字节")
    }

    fn warning(&self) -> &'static str {
        "警告："
    }

    fn message_is_a_host(&self, message: &str) -> String {
        format!("“{message}”看起来是要连接的主机，而不是要发送的消息")
    }

    fn hint_message_is_a_host(
        &self,
        command: &str,
        message: &str,
        host: &str,
        port: u16,
    ) -> String {
        format!(
            "要连接 {host} 的 {port} 端口，请用 `{command} --host {host} --port {port}`；\
             如果确实要把“{message}”当作消息发送，请从管道输入：\
             `echo '{message}' | {command} --stdin`"
        )
    }

    fn message_may_be_a_host(&self, message: &str, host: &str, port: u16) -> String {
        format!("“{message}”看起来像主机名；它会被当作消息，发送到 {host} 的 {port} 端口")
    }

    fn hint_message_may_be_a_host(&self, command: &str, host: &str, port: u16) -> String {
        format!("如果要连接的是 {host}，请用 `{command} --host {host} --port {port}`")
    }

    fn host_port_conflict(&self, arg: &str, in_host: u16, flag: u16) -> String {
        format!("--host {arg} 里写的端口是 {in_host}，而 --port 给的是 {flag}")
    }

    fn hint_host_port_conflict(&self, host: &str, in_host: u16, flag: u16) -> String {
        format!(
            "端口只给一次，用 --port：`--host {host} --port {in_host}` 或 \
             `--host {host} --port {flag}`"
        )
    }

    fn host_bad_port(&self, arg: &str, port: &str) -> String {
        format!("--host {arg}：冒号后面的“{port}”不是端口号（应为 1 到 65535）")
    }

    fn hint_host_bad_port(&self, host: &str) -> String {
        format!("--host 只写主机，端口用 --port 给出：`--host {host} --port PORT`")
    }
}
