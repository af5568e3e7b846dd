//! Steps 3 and 4 for one datagram: make the reply (its uppercase), and send it back to the
//! address it came from.
//!
//! The errors here never end the server: serving.rs logs them and goes on, so they are log
//! lines, in English in every language like the rest of the log (see `common::lang`).

use std::net::{SocketAddr, UdpSocket};
use std::time::Instant;

use anyhow::{anyhow, Result};
use common::logging::Budget;
use common::text::{for_log, lossy, uppercase};
use common::{addr, error, step};
use log::{debug, info, Level};

use crate::messages::t;

/// Step 3, the work: the reply to one datagram (its uppercase), or `None` when it cannot be
/// answered. Step 4, sending it, is done for a whole batch at once (serving.rs).
pub fn reply(data: &[u8], from: SocketAddr, shown: &mut Budget) -> Result<Option<Vec<u8>>> {
    if from.port() == 0 {
        // Nothing can be sent to port 0: such a datagram is forged or broken.
        debug!("dropping a datagram from {from}: port 0 cannot be answered");
        return Ok(None);
    }
    if shown.allow(Level::Info, Instant::now(), data.len() as u64) {
        info!("received {:?} from {from}", for_log(&lossy(data)));
    }
    let reply = uppercase(data);
    // A reply goes back over the family its request came by: IPv6 carries 20 bytes more.
    let limit = addr::max_datagram(&from);
    if reply.len() > limit {
        return Err(anyhow!(
            "not answering {from}: the uppercase is {} bytes, more than a datagram holds over {} ({limit})",
            reply.len(),
            addr::ip_version(&from)
        ));
    }
    Ok(Some(reply))
}

/// Step 4 for one reply: send it back to where its datagram came from.
pub fn send(socket: &UdpSocket, reply: &[u8], to: SocketAddr) -> Result<()> {
    socket
        .send_to(reply, to)
        .map_err(|e| anyhow!("answering {to}: {}", error::io_text(&e)))?;
    sent(reply.len(), to);
    Ok(())
}

/// Narrates step 4 for a reply that went out.
pub fn sent(len: usize, to: SocketAddr) {
    step!(4, Step::Send, t!("sent", len = len, to = to));
}
