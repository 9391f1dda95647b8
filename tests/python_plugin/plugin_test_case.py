"""The base class of the python plugin's tests: a broker per test, clients
closed and a clean exit (status 0 on SIGTERM) checked at the end."""
import tempfile
import textwrap
import unittest

from mqtt_clients import Clients
from starling_broker import StarlingBroker


def line_of(script, needle):
    """The 1-based line of `script` (as dedented into hooks.py) holding `needle`."""
    for number, line in enumerate(textwrap.dedent(script).splitlines(), start=1):
        if needle in line:
            return number
    raise ValueError(f"{needle!r} is not in the script")


class PluginTestCase(unittest.TestCase):
    def start(self, script, **settings):
        broker = StarlingBroker(script, **settings)
        try:
            broker.start()
        except BaseException:
            broker.cleanup()
            raise
        self.broker = broker
        self.clients = Clients(broker)
        self.addCleanup(self._stop)
        return broker

    def _stop(self):
        self.clients.close_all()
        status = self.broker.stop()
        self.broker.cleanup()
        self.assertEqual(status, 0, "starling did not exit 0 on SIGTERM; its log:\n" +
                         self.broker.output())

    def temporary_directory(self):
        """A directory removed when the test ends."""
        directory = tempfile.TemporaryDirectory(prefix="starling-python-test-")
        self.addCleanup(directory.cleanup)
        return directory.name

    def refused_start(self, script, **settings):
        """Runs a broker expected to refuse to start: (status, output)."""
        broker = StarlingBroker(script, **settings)
        try:
            return broker.run_until_exit()
        finally:
            broker.cleanup()
