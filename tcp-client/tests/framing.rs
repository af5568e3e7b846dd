//! The framing rung (`examples/framing.rs`): 粘包 and 半包 shown on one connection over
//! 127.0.0.1, then recovered by a length prefix. The example runs both ends itself; its output
//! is deterministic (the reader waits for the bytes, or reads while only part is sent), so the
//! test holds it line by line.

use std::process::Command;
use std::time::Duration;

use testkit::{example, run};

#[test]
fn unframed_reads_merge_and_split_messages_and_a_length_prefix_recovers_each() {
    let out = run(
        Command::new(example("tcp-client", "framing")),
        b"",
        Duration::from_secs(10),
    );
    assert_eq!(out.code(), Some(0), "stderr:\n{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "== 不分帧 ==",
            // 粘包: two sends, one read.
            "两次 send,一次 recv 读到 16 字节 \"你好服务器!\"",
            // 半包: one message in two reads, 好 cut in two.
            "一条消息,第一次 recv 读到 4 字节 \"你\u{fffd}\"",
            "一条消息,第二次 recv 读到 13 字节 \"\u{fffd}\u{fffd},服务器!\"",
            "== 长度前缀分帧 ==",
            "收到一条消息 \"你好\"",
            "收到一条消息 \"服务器!\"",
            "收到一条消息 \"你好,服务器!\"",
        ]
    );
}
