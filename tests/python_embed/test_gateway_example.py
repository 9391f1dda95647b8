"""examples/python_gateway/gateway.py, run as its own process: messages
from a Paho client end up in its file and at its HTTP endpoint."""
import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from paho_client import WAIT, PahoClient

GATEWAY = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python_gateway",
                       "gateway.py")


class Collector(http.server.BaseHTTPRequestHandler):
    received = queue.Queue()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.put(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class GatewayExampleTest(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory()
        self.addCleanup(self.directory.cleanup)
        self.output = os.path.join(self.directory.name, "messages.jsonl")
        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.addCleanup(self.http.server_close)
        self.addCleanup(self.http.shutdown)
        url = f"http://127.0.0.1:{self.http.server_address[1]}/ingest"
        self.process = subprocess.Popen(
            [sys.executable, GATEWAY, "--listen", "127.0.0.1:0", "--filter", "sensors/#",
             "--output", self.output, "--post", url],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(self.process.kill)
        line = self.process.stdout.readline()
        self.assertIn("gateway listening on", line, self.process.stdout.read()
                      if self.process.poll() is not None else line)
        self.port = int(line.rsplit(":", 1)[1])

    def stop_gateway(self):
        self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=WAIT)
        self.assertEqual(self.process.returncode, 0, output)

    def test_messages_are_written_to_the_file_and_posted_and_others_are_not(self):
        publisher = PahoClient(self.port, "device")
        publisher.publish("sensors/t1", b"21.5", 1)
        publisher.publish("other/x", b"ignored", 1)
        publisher.publish("sensors/raw", b"\xff\x00", 1)
        posted = [Collector.received.get(timeout=WAIT) for _ in range(2)]
        publisher.close()
        self.assertEqual([p["topic"] for p in posted], ["sensors/t1", "sensors/raw"])
        self.assertEqual(posted[0]["payload"], "21.5")
        self.assertEqual(posted[1]["payload_base64"], "/wA=")
        self.stop_gateway()
        with open(self.output) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual([line["topic"] for line in lines], ["sensors/t1", "sensors/raw"])

    def test_the_gateway_publishes_a_retained_status(self):
        subscriber = PahoClient(self.port, "watcher")
        subscriber.subscribe("gateway/status", 1)
        message = subscriber.next_message()
        subscriber.close()
        self.assertEqual((message.payload, message.retain), (b"online", True))
        self.stop_gateway()


if __name__ == "__main__":
    unittest.main()
