#pragma once
// The scenario fuzz_session runs, shared with the regression test: a whole
// BrokerCore on manual executors (no sockets, no threads, no real time),
// driven by a script of connection events decoded from arbitrary bytes.
//
// Script format (every byte string is a valid script; missing bytes read as
// zero, so truncation only shortens the last step):
//   byte 0        options: bit 0 small limits, bit 1 two shards
//   then steps, each starting with a header byte H:
//     slot   = H & 3        one of 4 connection slots (slot i on shard i % 2)
//     action = (H >> 2) & 7
//       0..3  send: a client id byte I, 2 bytes big-endian length L, then
//             L bytes (capped by what is left) fed to the slot's connection;
//             when the slot has no live connection, one is opened first as
//             for action 7 with I
//       4     advance time by (next byte) * 100 ms, then tick every shard
//       5     the network loses the slot's connection (on_closed)
//       6     run one queued task of each shard (interleaves cross-shard work)
//       7     open a fresh connection in the slot (the old one is lost), with
//             a client id byte I: it starts with a valid CONNECT when
//             (H >> 6) != 0 (1: v3.1.1, 2: v5, 3: v5 without clean start,
//             with a will and session expiry), client id "c<I % 4>";
//             with (H >> 6) == 0 it starts with nothing
//   After every step except 6, all shards run until idle, and connections
//   the broker closed are reported closed, as the net layer would.
#include <cstdint>
#include <span>
#include <string>

namespace starling::fuzz {

// Runs the script in `input`. Returns an empty string when every frame the
// broker wrote decodes for the connection's protocol version, or a
// description of the first one that does not. Crashes, leaks and hangs are
// left to the sanitizers and the fuzzer.
std::string drive_sessions(std::span<const std::uint8_t> input);

}  // namespace starling::fuzz
