#pragma once
// Keeps Paho C responsive in a process that opens many connections.
//
// Paho C has one receive thread for all clients. It polls the sockets it
// knows with a 1 s timeout and only adds a new client's socket between polls,
// so each connect after the first takes up to 2 s. Traffic on any socket in
// the poll ends it early. PahoWakeup connects one extra Paho client to a tiny
// in-process endpoint that answers CONNECT and then sends a PINGRESP every few
// milliseconds, so the receive thread never sleeps long. The broker under test
// never sees any of it.
//
// Thread-safe; lives until the process exits.
namespace starling::test {

// Starts the wake-up connection once; later calls do nothing.
void ensure_paho_wakeup();

}  // namespace starling::test
