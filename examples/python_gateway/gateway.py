#!/usr/bin/python3
"""An MQTT gateway: an embedded Starling broker that devices connect to,
which writes every message matching a filter to a JSON-lines file and/or
POSTs it to an HTTP endpoint, and publishes a retained status message.

    PYTHONPATH=build/release/bindings/python /usr/bin/python3 \\
        examples/python_gateway/gateway.py --listen 127.0.0.1:1883 \\
        --filter 'sensors/#' --output messages.jsonl --post http://127.0.0.1:8000/ingest

It prints "gateway listening on HOST:PORT" once ready and runs until SIGINT
or SIGTERM. The HTTP posts run on a thread of the gateway's own, so a slow
endpoint never holds up the broker's dispatcher (at most --backlog messages
wait; more are dropped with a warning).
"""
import argparse
import base64
import json
import logging
import queue
import signal
import sys
import threading
import urllib.request

import starling

log = logging.getLogger("gateway")


def as_record(message):
    """A message as one JSON object: text payloads as text, others base64."""
    record = {"topic": message.topic, "qos": message.qos, "retain": message.retain}
    try:
        record["payload"] = message.payload.decode("utf-8")
    except UnicodeDecodeError:
        record["payload_base64"] = base64.b64encode(message.payload).decode("ascii")
    if message.user_properties:
        record["user_properties"] = [list(pair) for pair in message.user_properties]
    if message.content_type is not None:
        record["content_type"] = message.content_type
    return record


class Poster:
    """POSTs records to `url` from a thread of its own."""

    def __init__(self, url, backlog):
        self.url = url
        self.records = queue.Queue(maxsize=backlog)
        self.thread = threading.Thread(target=self.run, name="gateway-poster", daemon=True)
        self.thread.start()

    def submit(self, record):
        try:
            self.records.put_nowait(record)
        except queue.Full:
            log.warning("HTTP backlog full: dropped a message on %s", record["topic"])

    def run(self):
        while (record := self.records.get()) is not None:
            request = urllib.request.Request(
                self.url, data=json.dumps(record).encode(), method="POST",
                headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
            except OSError as e:
                log.warning("POST %s failed: %s", self.url, e)

    def close(self):
        self.records.put(None)
        self.thread.join(timeout=10)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", action="append", default=None,
                        help="HOST:PORT to listen on (repeatable); default 127.0.0.1:1883")
    parser.add_argument("--filter", default="#", help="topic filter to forward; default '#'")
    parser.add_argument("--output", help="append one JSON line per message to this file")
    parser.add_argument("--post", metavar="URL", help="POST each message as JSON to URL")
    parser.add_argument("--backlog", type=int, default=1000, help="HTTP posts that may wait")
    parser.add_argument("--data-dir", help="keep sessions and retained messages here")
    args = parser.parse_args(argv)
    if not args.output and not args.post:
        parser.error("give --output, --post or both")
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    output = open(args.output, "a", encoding="utf-8") if args.output else None
    poster = Poster(args.post, args.backlog) if args.post else None

    def forward(message):  # on the starling dispatcher thread
        record = as_record(message)
        if output is not None:
            output.write(json.dumps(record) + "\n")
            output.flush()
        if poster is not None:
            poster.submit(record)

    try:
        with starling.Broker(listen=args.listen or ["127.0.0.1:1883"],
                             data_dir=args.data_dir) as broker:
            broker.subscribe(args.filter, forward, send_retained=False)
            broker.publish("gateway/status", b"online", qos=1, retain=True)
            endpoint = broker.endpoints[0]
            print(f"gateway listening on {endpoint.host}:{endpoint.port}", flush=True)
            while not stop.wait(0.5):
                pass
            broker.publish("gateway/status", b"offline", qos=1, retain=True)
    except starling.StarlingError as e:
        print(f"gateway: {e}", file=sys.stderr)
        return 1
    finally:
        if poster is not None:
            poster.close()
        if output is not None:
            output.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
