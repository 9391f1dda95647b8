"""Reloading the hook scripts on SIGHUP: the new scripts take over without
a restart (connected clients stay), and a broken one leaves the old hooks
in force."""
import os
import re
import signal
import textwrap
import threading
import time
import unittest

from mqtt_clients import V5
from plugin_test_case import PluginTestCase
from starling_broker import WAIT

FIRST = """
    import starling

    @starling.on_authenticate
    def check(connect):
        if connect.username == "alice":
            return False
        return None

    @starling.on_message(filter="in/#")
    def move(message):
        message.topic = "first/" + message.topic.removeprefix("in/")
    """

SECOND = """
    import starling

    @starling.on_authenticate
    def check(connect):
        return True if connect.username == "alice" else None

    @starling.on_message(filter="in/#")
    def move(message):
        message.topic = "second/" + message.topic.removeprefix("in/")
    """

BROKEN = """
    import starling

    @starling.on_message(filter="in/#")
    def move(message:
        return False
    """

RAISING = """
    import starling

    def open_database():
        raise LookupError("no db")

    open_database()
    """


class ReloadTest(PluginTestCase):
    def write_script(self, text):
        with open(self.broker.script_path, "w") as f:
            f.write(textwrap.dedent(text))

    def count(self, pattern):
        regex = re.compile(pattern)
        return sum(1 for line in self.broker.output().splitlines() if regex.search(line))

    def wait_count(self, pattern, at_least, timeout=WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count(pattern) >= at_least:
                return True
            time.sleep(0.05)
        return False

    def reload(self, script, expect=r"plugins reloaded"):
        """Writes `script` over the hook script, sends SIGHUP and waits for
        `expect` to be logged once more."""
        self.write_script(script)
        before = self.count(expect)
        self.broker.process.send_signal(signal.SIGHUP)
        self.assertTrue(self.wait_count(expect, before + 1),
                        f"no new {expect!r} after SIGHUP; the log:\n" + self.broker.output())

    def assert_moved(self, client, topic, expected):
        client.publish(topic, b"m")
        self.assertEqual(client.next_message().topic, expected)

    def test_the_new_script_takes_over_and_a_broken_one_keeps_the_old_hooks(self):
        self.start(FIRST)
        self.assertNotEqual(self.clients.make("alice1", V5, "alice", "pw").connect(False), 0)
        observer = self.clients.connected("observer", V5, "bob", "pw")
        self.assertEqual(observer.subscribe("first/#"), [1])
        self.assertEqual(observer.subscribe("second/#"), [1])
        self.assert_moved(observer, "in/a", "first/a")

        self.reload(SECOND)
        self.assertFalse(observer.disconnected.is_set(), "the reload dropped a client")
        self.assert_moved(observer, "in/b", "second/b")
        self.assertEqual(self.clients.make("alice2", V5, "alice", "pw").connect(), 0)

        self.reload(BROKEN, expect=r"plugin reload failed")
        output = self.broker.output()
        self.assertIn("SyntaxError", output)
        self.assertRegex(output, r'hooks\.py", line 5')
        self.assertIsNone(self.broker.process.poll(), "the broker ended:\n" + output)
        self.assertFalse(observer.disconnected.is_set(), "the failed reload dropped a client")
        self.assert_moved(observer, "in/c", "second/c")
        self.assertEqual(self.clients.make("alice3", V5, "alice", "pw").connect(), 0)

        # An exception while loading is a failed reload too, and a good
        # script afterwards reloads again.
        self.reload(RAISING, expect=r"plugin reload failed")
        self.assertIn("LookupError: no db", self.broker.output())
        self.assert_moved(observer, "in/d", "second/d")
        self.reload(FIRST)
        self.assert_moved(observer, "in/e", "first/e")
        self.assertNotEqual(self.clients.make("alice4", V5, "alice", "pw").connect(False), 0)

    def rewrite_config(self, options):
        """Writes the config again with these [plugins.options]."""
        with open(self.broker.config_path, "w") as f:
            f.write(self.broker.config(options, True, 2, {}))

    def test_new_options_load_the_scripts_they_list_with_the_new_options(self):
        self.start(FIRST)
        observer = self.clients.connected("observer", V5, "bob", "pw")
        self.assertEqual(observer.subscribe("+/#"), [1])
        self.assert_moved(observer, "in/a", "first/a")
        other = os.path.join(self.broker.dir, "other.py")
        with open(other, "w") as f:
            f.write(textwrap.dedent("""
                import starling

                @starling.on_message(filter="in/#")
                def move(message):
                    message.topic = starling.options["prefix"] + "/" + message.topic[3:]
                """))
        self.rewrite_config({"script": other, "prefix": "other"})
        before = self.count(r"new plugin options applied")
        self.broker.process.send_signal(signal.SIGHUP)
        self.assertTrue(self.wait_count(r"new plugin options applied: libstarling_python", before + 1),
                        self.broker.output())
        self.assertFalse(observer.disconnected.is_set(), "new options dropped a client")
        self.assert_moved(observer, "in/b", "other/b")

        # A script list naming a missing file is refused: the scripts in force stay.
        self.rewrite_config({"script": os.path.join(self.broker.dir, "missing.py"),
                             "prefix": "gone"})
        self.broker.process.send_signal(signal.SIGHUP)
        self.assertTrue(self.wait_count(r"new plugin options rejected", 1), self.broker.output())
        self.assert_moved(observer, "in/c", "other/c")

    def test_a_call_running_during_a_reload_finishes_with_the_old_hook(self):
        self.start("""
            import asyncio
            import starling

            @starling.on_authenticate
            async def check(connect):
                starling.info("old hook waiting")
                await asyncio.sleep(3.0)
                return True
            """, allow_anonymous=False)
        waiter = self.clients.make("waiter", V5, "waiter", "pw")
        waiter.start_connect()
        self.assertIsNotNone(self.broker.wait_for_log("old hook waiting"))
        self.reload("""
            import starling

            @starling.on_authenticate
            def check(connect):
                return False
            """)
        self.assertTrue(waiter.connack.empty(), "the old hook did not overlap the reload")
        self.assertEqual(waiter.wait_connack(), 0)
        self.assertNotEqual(self.clients.make("late", V5, "late", "pw").connect(False), 0)

    def test_messages_flowing_through_repeated_reloads_all_arrive(self):
        self.start(FIRST)
        observer = self.clients.connected("observer", V5, "bob", "pw")
        self.assertEqual(observer.subscribe("+/#"), [1])
        publisher = self.clients.connected("publisher", V5, "bob", "pw")
        count = 300
        failures = []

        def publish_all():
            try:
                for n in range(count):
                    publisher.publish(f"in/{n}", b"m")
            except AssertionError as e:
                failures.append(e)
        sender = threading.Thread(target=publish_all)
        sender.start()
        for n in range(6):
            self.reload(SECOND if n % 2 == 0 else FIRST)
        sender.join(timeout=60)
        self.assertFalse(sender.is_alive())
        self.assertEqual(failures, [])
        seen = set()
        for _ in range(count):
            topic = observer.next_message().topic
            prefix, number = topic.split("/")
            self.assertIn(prefix, ("first", "second"))
            seen.add(int(number))
        self.assertEqual(seen, set(range(count)))

    def test_a_reloaded_script_starts_from_a_fresh_module(self):
        script = """
            import starling
            starling.info("loaded, seen before: %s" % ("seen" in globals()))
            seen = True

            @starling.on_connected
            def connected(connection):
                pass
            """
        self.start(script)
        self.assertIsNotNone(self.broker.wait_for_log(r"loaded, seen before: False"))
        self.reload(script)
        self.assertEqual(self.count(r"loaded, seen before: False"), 2, self.broker.output())
        self.assertEqual(self.count(r"seen before: True"), 0, self.broker.output())

    def test_every_follows_the_new_script(self):
        self.start("""
            import starling

            @starling.every(0.1)
            def tick():
                starling.info("tick from the first script")
            """)
        self.assertIsNotNone(self.broker.wait_for_log(r"tick from the first script"))
        self.reload("""
            import starling

            @starling.every(0.1)
            def tick():
                starling.info("tick from the second script")
            """)
        self.assertTrue(self.wait_count(r"tick from the second script", 3), self.broker.output())
        old_ticks = self.count(r"tick from the first script")
        time.sleep(0.5)
        self.assertEqual(self.count(r"tick from the first script"), old_ticks)

    def test_a_hook_kind_the_broker_was_not_given_at_start_is_a_logged_restart(self):
        self.start("""
            import starling

            @starling.on_message(filter="in/#")
            def move(message):
                message.topic = "first/" + message.topic.removeprefix("in/")
            """)
        self.reload("""
            import starling

            @starling.on_message(filter="other/#")
            def move(message):
                message.topic = "second/" + message.topic
            @starling.on_connected
            def connected(connection):
                starling.info("connected hook ran")
            """)
        output = self.broker.output()
        self.assertRegex(output, r"starling\.on_connected .*never runs until a restart")
        self.assertRegex(output, r"starling\.on_message .*not all of 'other/#'")
        client = self.clients.connected("c", V5)
        self.assertEqual(client.subscribe("#"), [1])
        self.assertFalse(self.broker.log_has("connected hook ran"))


if __name__ == "__main__":
    unittest.main()
