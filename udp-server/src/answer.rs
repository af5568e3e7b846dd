//! Steps 3 and 4 for one datagram: make the reply (its uppercase), and send it back to the
//! address it came from.

use std::net::{SocketAddr, UdpSocket};
use std::time::Instant;

use anyhow::{anyhow, Result};
use common::logging::Budget;
use common::text::{for_log, lossy, uppercase};
use common::{addr, error, step};
use log::{debug, info, Level};

/// Replies to one datagram with its uppercase; false when it cannot be answered.
pub fn answer(
    socket: &UdpSocket,
    data: &[u8],
    from: SocketAddr,
    shown: &mut Budget,
) -> Result<bool> {
    if from.port() == 0 {
        // Nothing can be sent to port 0: such a datagram is forged or broken.
        debug!("dropping a datagram from {from}: port 0 cannot be answered");
        return Ok(false);
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
    socket
        .send_to(&reply, from)
        .map_err(|e| anyhow!("answering {from}: {}", error::io_text(&e)))?;
    step!(
        "4 send",
        "sent its uppercase, {} bytes, back to {from} (whether it arrives, UDP does not say)",
        reply.len()
    );
    Ok(true)
}
