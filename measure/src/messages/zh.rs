//! The measuring modes' sentences in Chinese (中文), in the words tcp-client's and udp-client's
//! tables use; technical tokens (epoll, timerfd, ICMP, Ctrl-C) stay as they are.

use std::net::SocketAddr;
use std::time::Duration;

use super::Messages;

pub struct Chinese;

impl Messages for Chinese {
    fn creating_epoll(&self) -> &'static str {
        "创建 epoll 实例"
    }

    fn registering_connection(&self) -> &'static str {
        "把连接注册到 epoll"
    }

    fn creating_waker(&self) -> &'static str {
        "创建唤醒器 (waker)"
    }

    fn waiting_for_events(&self) -> &'static str {
        "等待套接字事件"
    }

    fn creating_timer(&self) -> &'static str {
        "创建压测用的定时器 (timerfd)"
    }

    fn setting_timer(&self) -> &'static str {
        "设置压测用的定时器 (timerfd)"
    }

    fn connecting(&self) -> &'static str {
        "建立连接"
    }

    fn connecting_to(&self, server: SocketAddr) -> String {
        format!("连接 {server}")
    }

    fn setting_option(&self, option: &str) -> String {
        format!("设置 {option}")
    }

    fn making_nonblocking(&self) -> &'static str {
        "把套接字设为非阻塞"
    }

    fn sending(&self) -> &'static str {
        "发送数据"
    }

    fn reading_echo(&self) -> &'static str {
        "读取回显"
    }

    fn no_reply(&self, server: SocketAddr, timeout: Duration) -> String {
        format!("{server} 在 {timeout:?} 内没有回复")
    }

    fn load_closed_early(&self, got: usize, size: usize) -> String {
        format!("服务器只回显了 {size} 字节中的 {got} 字节，就关闭了连接")
    }

    fn echo_differs(&self) -> &'static str {
        "回显与发出的内容不一致"
    }

    fn load_sent_more(&self, extra: u64) -> String {
        format!("服务器在回显之外多发了 {extra} 字节")
    }

    fn round_trips_failed(&self, failed: u64, all: u64) -> String {
        format!("{all} 次往返中有 {failed} 次失败")
    }

    fn setting_up_stop(&self) -> &'static str {
        "设置 Ctrl-C，让 ping 模式结束时先打印汇总"
    }

    fn waiting_for_replies(&self, server: SocketAddr) -> String {
        format!("等待 {server} 的回复")
    }
    fn no_ping_answer(&self, sent: u64) -> String {
        match sent {
            1 => "发出的 1 个数据报没有得到回复".to_owned(),
            _ => format!("{sent} 个数据报全都没有得到回复"),
        }
    }

    fn hint_ping_strays(&self, strays: u64) -> String {
        format!(
            "来了 {strays} 个数据报，但它们不是其中任何一个的回答：ping 模式只认数据报的原样回显\
             或大写（开头是序号），而这个服务器回的是别的内容"
        )
    }

    fn hint_ping_unreachable(&self, unreachable: u64, start: &str) -> String {
        format!(
            "有 {unreachable} 个数据报换回了 ICMP 端口不可达消息：那个端口上没有程序在监听；\
             先用 `{start}` 启动服务器（--port 要一致）"
        )
    }

    fn ping_short_of_count(&self, received: u64, wanted: u64, deadline: Duration) -> String {
        format!(
            "--count 要求 {wanted} 个回复，但在 --deadline 规定的 {deadline:?} 内只收到 \
             {received} 个"
        )
    }
}
