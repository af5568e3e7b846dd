//! udp-server's sentences in Chinese (中文), for the document's readers. The steps keep the
//! document's names; technical tokens (`listen()`, `accept()`, UDP) stay as they are.

use std::net::SocketAddr;

use super::Messages;

pub struct Chinese;

impl Messages for Chinese {
    fn created_socket(&self, family: &str, socket_type: &str) -> String {
        format!("已创建套接字：{family} + {socket_type} = UDP")
    }

    fn bound(&self, addr: SocketAddr, reach: &str) -> String {
        format!(
            "已绑定到 {addr}，{reach}；UDP 没有 listen()，也没有 accept()：它是无连接的，\
             数据报直接送到这个套接字"
        )
    }

    fn received(&self, len: usize, from: SocketAddr) -> String {
        format!("收到来自 {from} 的一个 {len} 字节的数据报")
    }

    fn sent(&self, len: usize, to: SocketAddr) -> String {
        format!("已把转成大写后的数据（{len} 字节）发回 {to}（能否送到，UDP 不会告诉我们）")
    }

    fn over_rate_limit(&self, from: SocketAddr) -> String {
        format!("没有回复：{from} 已超出速率限制")
    }

    fn creating_socket(&self, addr: SocketAddr) -> String {
        format!("为 {addr} 创建 UDP 套接字")
    }

    fn reading_bound_address(&self, addr: SocketAddr) -> String {
        format!("读取 {addr} 实际绑定的地址")
    }

    fn writing_listening_line(&self) -> &'static str {
        "输出 `listening on` 这一行"
    }

    fn setting_receive_timeout(&self) -> &'static str {
        "设置接收超时"
    }

    fn starting_worker(&self) -> &'static str {
        "启动工作线程"
    }

    fn worker_panicked(&self) -> &'static str {
        "一个工作线程崩溃了 (panic)"
    }
}
