//! common's sentences in Chinese (中文). Technical tokens stay as they are (`listen()`, SYN,
//! AF_INET); an OS error keeps its English words in parentheses, so that it can be searched for.

use std::net::SocketAddr;

use super::{Messages, Reach, Step};

pub struct Chinese;

impl Messages for Chinese {
    fn step(&self) -> &'static str {
        "步骤"
    }

    fn step_name(&self, step: Step) -> &'static str {
        match step {
            Step::Socket => "创建套接字",
            Step::Bind => "绑定地址和端口",
            Step::Listen => "监听连接",
            Step::Accept => "接受连接",
            Step::Exchange => "数据交换",
            Step::Close => "关闭",
            Step::Connect => "连接",
            Step::Send => "发送",
            Step::Receive => "接收",
        }
    }

    fn socket_type(&self, stream: bool) -> &'static str {
        if stream {
            "流式 (SOCK_STREAM)"
        } else {
            "数据报 (SOCK_DGRAM)"
        }
    }

    fn reach(&self, reach: Reach) -> &'static str {
        match reach {
            Reach::Loopback => "这是回环地址：只有本机上的程序能访问它",
            Reach::Everywhere => "这是本机的所有地址：其他机器也能访问它",
            Reach::One => "这是本机的一个地址：能路由到它的机器都能访问它",
        }
    }

    fn error(&self) -> &'static str {
        "错误："
    }

    fn hint(&self) -> &'static str {
        "提示："
    }

    fn os_error(&self, errno: i32) -> Option<&'static str> {
        // Linux's numbers, for the errors these programs meet.
        Some(match errno {
            1 => "操作不允许 (operation not permitted)",
            11 => "资源暂时不可用 (resource temporarily unavailable)",
            13 => "权限不足 (permission denied)",
            24 => "打开的文件过多 (too many open files)",
            32 => "管道已断开 (broken pipe)",
            90 => "消息太长 (message too long)",
            97 => "不支持该地址族 (address family not supported by protocol)",
            98 => "地址已被占用 (address already in use)",
            99 => "无法使用该地址 (cannot assign requested address)",
            101 => "网络不可达 (network is unreachable)",
            103 => "连接被本机中止 (software caused connection abort)",
            104 => "连接被对方重置 (connection reset by peer)",
            105 => "没有可用的缓冲区空间 (no buffer space available)",
            107 => "套接字未连接 (transport endpoint is not connected)",
            110 => "连接超时 (connection timed out)",
            111 => "连接被拒绝 (connection refused)",
            113 => "主机不可达 (no route to host)",
            _ => return None,
        })
    }

    fn io_kind(&self, kind: std::io::ErrorKind) -> Option<&'static str> {
        use std::io::ErrorKind;
        Some(match kind {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => "超时 (timed out)",
            ErrorKind::UnexpectedEof => "数据没收完连接就结束了 (unexpected end of file)",
            _ => return None,
        })
    }

    fn joiner(&self) -> &'static str {
        "："
    }

    fn cannot_listen(&self, addr: SocketAddr, why: &str) -> String {
        format!("无法在 {addr} 上监听：{why}")
    }

    fn hint_addr_in_use(&self) -> &'static str {
        "可能已有另一个服务器在用这个端口：先停掉它，或用 --port 换一个端口（0 表示让系统挑一个空闲的）"
    }

    fn hint_privileged_port(&self) -> &'static str {
        "1024 以下的端口需要特权：请选一个大于 1023 的端口"
    }

    fn hint_addr_not_available(&self) -> &'static str {
        "这个地址不属于本机：试试 127.0.0.1 或 0.0.0.0"
    }

    fn host_empty(&self) -> &'static str {
        "主机名为空：请给出主机名，或 127.0.0.1 这样的地址"
    }

    fn cannot_resolve(&self, host: &str) -> String {
        format!("无法解析主机名 {host:?}")
    }

    fn no_addresses(&self, host: &str) -> String {
        format!("主机 {host:?} 没有任何地址")
    }

    fn installing_signal_handler(&self) -> &'static str {
        "安装 Ctrl-C 处理程序"
    }

    fn starting_thread(&self) -> &'static str {
        "启动线程"
    }
}
