//! tcp-server's sentences in Chinese (中文), for the document's readers. The steps keep the
//! document's names; technical tokens (`accept()`, FIN, SO_REUSEADDR) stay as they are.

use std::net::SocketAddr;

use super::{Backlog, Messages, Why};

pub struct Chinese;

impl Messages for Chinese {
    fn created_socket(&self, family: &str, socket_type: &str) -> String {
        format!("已创建套接字：{family} + {socket_type} = TCP")
    }

    fn bound(&self, addr: SocketAddr, reach: &str) -> String {
        format!("已绑定到 {addr}，{reach}")
    }

    fn listening(&self, backlog: Backlog) -> String {
        let cap = match backlog.capped_by {
            Some(cap) => format!(
                "（--backlog {} 要得更多，但内核把它限制在 net.core.somaxconn = {cap}）",
                backlog.asked
            ),
            None if !backlog.cap_known => "（也可能更少：操作系统可能会限制它）".to_string(),
            None => String::new(),
        };
        format!(
            "开始监听：从现在起，三次握手由内核自己完成，已完成握手的连接最多 {} 个在全连接队列里\
             等 accept() 取走{cap}；backlog 是这个队列的长度，不是最大连接数",
            backlog.effective()
        )
    }

    fn accepted(&self, peer: SocketAddr) -> String {
        format!(
            "已接受 {peer} 的连接：为这个客户端单独创建了一个新套接字（监听套接字继续监听）；\
             端口 {} 是客户端的系统挑选的临时端口",
            peer.port()
        )
    }

    fn exchanged(&self, peer: SocketAddr, received: usize, sent: usize) -> String {
        format!("从 {peer} 收到 {received} 字节，回发 {sent} 字节")
    }

    fn closing(&self, peer: SocketAddr, echoed: u64, why: Why) -> String {
        let why = match why {
            Why::Finished => {
                "客户端关闭了它的发送方向（它的 FIN：读到流结束），回显也已全部发给它；\
                 我们的 close() 发出我们的 FIN"
            }
            Why::Failed => "连接出错",
            Why::Idle => "空闲太久",
            Why::Evicted => "服务器已满，而它空闲得最久",
            Why::Stopping => "服务器正在停止",
        };
        format!("关闭与 {peer} 通信的套接字，共回显 {echoed} 字节：{why}")
    }

    fn creating_socket(&self, addr: SocketAddr) -> String {
        format!("为 {addr} 创建 TCP 套接字")
    }

    fn setting_option(&self, option: &str, addr: SocketAddr) -> String {
        format!("在 {addr} 的套接字上设置 {option}")
    }

    fn making_nonblocking(&self, addr: SocketAddr) -> String {
        format!("把 {addr} 的套接字设为非阻塞")
    }

    fn reading_bound_address(&self, addr: SocketAddr) -> String {
        format!("读取 {addr} 实际绑定的地址")
    }

    fn sharing_listener(&self) -> &'static str {
        "在线程之间共享监听套接字"
    }

    fn worker_panicked(&self) -> &'static str {
        "一个工作线程崩溃了 (panic)"
    }

    fn creating_epoll(&self) -> &'static str {
        "创建 epoll 实例"
    }

    fn registering_listener(&self) -> &'static str {
        "把监听套接字注册到 epoll"
    }

    fn creating_waker(&self) -> &'static str {
        "创建唤醒器 (waker)"
    }

    fn waiting_for_events(&self) -> &'static str {
        "等待套接字事件"
    }
}
