"""The example hook scripts (examples/python_hooks) in the real broker."""
import os
import subprocess
import sys
import unittest

from mqtt_clients import V311, V5
from plugin_test_case import PluginTestCase

BAD_USER_NAME_OR_PASSWORD = 0x86
NOT_AUTHORIZED = 0x87


def example(name):
    return os.path.join(os.environ["STARLING_SOURCE_DIR"], "examples/python_hooks", name)


class SqliteAuthExampleTest(PluginTestCase):
    def test_users_made_with_manage_users_log_in_and_others_do_not(self):
        database = os.path.join(self.temporary_directory(), "users.db")
        for user, password in (("alice", "secret"), ("bob", "hunter2")):
            subprocess.run([sys.executable, example("manage_users.py"), database, "add", user,
                            password], check=True, timeout=60)
        broker = self.start(None, script_file=example("auth_sqlite.py"), allow_anonymous=False,
                            plugin_options={"database": database})
        self.assertTrue(broker.log_has("auth_sqlite: 2 users"), broker.output())
        self.assertEqual(self.clients.make("a", V5, "alice", "secret").connect(False), 0)
        self.assertEqual(self.clients.make("b", V311, "bob", "hunter2").connect(False), 0)
        self.assertEqual(self.clients.make("c", V5, "alice", "hunter2").connect(False),
                         BAD_USER_NAME_OR_PASSWORD)
        self.assertEqual(self.clients.make("d", V5, "carol", "secret").connect(False),
                         BAD_USER_NAME_OR_PASSWORD)
        self.assertEqual(self.clients.make("e", V5).connect(False), NOT_AUTHORIZED)


class PresenceExampleTest(PluginTestCase):
    def test_a_retained_presence_message_follows_each_client(self):
        self.start(None, script_file=example("presence.py"))
        visitor = self.clients.connected("visitor", V311)
        dashboard = self.clients.connected("dashboard")
        dashboard.subscribe("presence/" + visitor.client_id)
        online = dashboard.next_message()
        self.assertEqual((online.payload, online.retain), (b"online", 1))
        visitor.close()
        offline = dashboard.next_message()
        self.assertEqual(offline.payload, b"offline")
        late = self.clients.connected("late")
        late.subscribe("presence/" + visitor.client_id)
        self.assertEqual(late.next_message().payload, b"offline")


class JsonValidatorExampleTest(PluginTestCase):
    def test_malformed_json_goes_to_the_dead_letter_topic_and_valid_json_through(self):
        self.start(None, script_file=example("json_validator.py"))
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("sensors/#")
        subscriber.subscribe("deadletter/#")
        publisher = self.clients.connected("pub")
        publisher.publish("sensors/t1", b"{not json")
        publisher.publish("sensors/t1", b"[1, 2]")
        publisher.publish("sensors/t1", b'{"celsius": 21.5}')
        received = []
        while len(received) < 3:
            message = subscriber.next_message()
            received.append((message.topic, message.payload))
        # The valid message came last from one publisher: had a malformed one
        # been routed, it would have arrived before it.
        self.assertEqual([m for m in received if m[0] == "sensors/t1"],
                         [("sensors/t1", b'{"celsius": 21.5}')])
        self.assertEqual(sorted(m for m in received if m[0] != "sensors/t1"),
                         [("deadletter/sensors/t1", b"[1, 2]"),
                          ("deadletter/sensors/t1", b"{not json")])


if __name__ == "__main__":
    unittest.main()
