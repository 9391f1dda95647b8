"""The base class of the embedding tests: a started broker per test,
stopped (and its Paho clients closed) at the end."""
import queue
import unittest

import starling
from paho_client import WAIT, PahoClient


class EmbedTestCase(unittest.TestCase):
    broker_settings = {}

    def setUp(self):
        settings = {"listen": ["127.0.0.1:0"], "threads": 2}
        settings.update(self.broker_settings)
        self.broker = starling.Broker(**settings)
        self.broker.start()
        self.addCleanup(self.broker.stop)

    def paho(self, name="client", **kwargs):
        client = PahoClient(self.broker.port, name, **kwargs)
        self.addCleanup(client.close)
        return client

    def inbox(self, filter, **kwargs):
        """A queue the messages of a new subscription to `filter` land in."""
        received = queue.Queue()
        self.broker.subscribe(filter, received.put, **kwargs)
        return received

    def next(self, received, timeout=WAIT):
        try:
            return received.get(timeout=timeout)
        except queue.Empty:
            self.fail("no message arrived")

    def assertQuiet(self, received, period=0.3):
        with self.assertRaises(queue.Empty, msg="a message arrived that should not"):
            received.get(timeout=period)
