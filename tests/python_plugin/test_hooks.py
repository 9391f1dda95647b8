"""Each starling decorator end to end: the real broker running a hook
script, real MQTT clients (Paho) observing the effect."""
import os
import unittest

from mqtt_clients import V311, V5
from plugin_test_case import PluginTestCase, line_of

NOT_AUTHORIZED = 0x87
BAD_USER_NAME_OR_PASSWORD = 0x86
UNSPECIFIED_ERROR = 0x80


class AuthenticateTest(PluginTestCase):
    SCRIPT = """
        import starling

        USERS = {"alice": b"secret"}

        @starling.on_authenticate
        def check(connect):
            if connect.username is None:
                return None  # the listener's allow_anonymous decides
            if USERS.get(connect.username) == connect.password:
                return True
            return starling.deny(0x86)
        """

    def test_a_known_user_is_accepted_and_a_wrong_password_refused_with_the_hooks_code(self):
        self.start(self.SCRIPT, allow_anonymous=False)
        self.assertEqual(self.clients.make("a", V5, "alice", "secret").connect(), 0)
        self.assertEqual(self.clients.make("b", V311, "alice", "secret").connect(), 0)
        self.assertEqual(self.clients.make("c", V5, "alice", "wrong").connect(False),
                         BAD_USER_NAME_OR_PASSWORD)
        self.assertEqual(self.clients.make("d", V311, "mallory", "x").connect(False), 4)

    def test_none_leaves_the_decision_to_the_listeners_anonymous_rule(self):
        self.start(self.SCRIPT, allow_anonymous=False)
        self.assertEqual(self.clients.make("anon").connect(False), NOT_AUTHORIZED)


class AsyncAuthenticateTest(PluginTestCase):
    # "waiter" is answered only after "opener" has been authenticated: with
    # one broker thread, that can happen only if waiting blocks no thread.
    SCRIPT = """
        import asyncio
        import starling

        opened = None

        @starling.on_authenticate
        async def check(connect):
            global opened
            if opened is None:
                opened = asyncio.Event()
            if connect.username == "waiter":
                starling.info("waiter is waiting")
                await opened.wait()
                return starling.ALLOW
            if connect.username == "opener":
                opened.set()
                return True
            await asyncio.sleep(0.01)
            if connect.username == "refused":
                return starling.deny(0x86, "no such user")
            if connect.username == "broken":
                raise LookupError("the user service is down")
            return False
        """

    def test_a_waiting_hook_blocks_no_broker_thread_and_its_answer_arrives_later(self):
        self.start(self.SCRIPT, threads=1, plugin_settings={"pending_timeout_ms": 20000})
        waiter = self.clients.make("waiter", V5, "waiter", "pw")
        waiter.start_connect()
        self.assertIsNotNone(self.broker.wait_for_log("waiter is waiting"))
        self.assertTrue(waiter.connack.empty())
        self.assertEqual(self.clients.make("opener", V5, "opener", "pw").connect(), 0)
        self.assertEqual(waiter.wait_connack(), 0)

    def test_an_async_hook_denies_with_its_reason_code_or_the_default(self):
        self.start(self.SCRIPT)
        self.assertEqual(self.clients.make("r", V5, "refused", "pw").connect(False),
                         BAD_USER_NAME_OR_PASSWORD)
        self.assertEqual(self.clients.make("o", V5, "other", "pw").connect(False), NOT_AUTHORIZED)
        self.assertEqual(self.clients.make("o3", V311, "other", "pw").connect(False), 5)

    def test_an_exception_in_an_async_hook_denies_and_logs_its_traceback(self):
        self.start(self.SCRIPT)
        self.assertEqual(self.clients.make("b", V5, "broken", "pw").connect(False),
                         UNSPECIFIED_ERROR)
        line = line_of(self.SCRIPT, "raise LookupError")
        self.assertIsNotNone(self.broker.wait_for_log(rf'hooks\.py", line {line}, in check'),
                             self.broker.output())
        self.assertTrue(self.broker.log_has("LookupError: the user service is down"))


class HookErrorTest(PluginTestCase):
    SCRIPT = """
        import starling

        @starling.on_authorize_publish
        def check(message):
            if message.topic.endswith("/boom"):
                raise ValueError("cannot judge " + message.topic)
            return None
        """

    def test_an_exception_denies_the_publish_and_logs_the_traceback_with_file_and_line(self):
        self.start(self.SCRIPT)
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("errors/#")
        publisher = self.clients.connected("pub")
        publisher.publish("errors/boom", b"1")
        publisher.publish("errors/ok", b"2")
        self.assertEqual(subscriber.next_message().topic, "errors/ok")
        line = line_of(self.SCRIPT, "raise ValueError")
        self.assertIsNotNone(self.broker.wait_for_log(rf'hooks\.py", line {line}, in check'),
                             self.broker.output())
        self.assertTrue(self.broker.log_has("ValueError: cannot judge errors/boom"))
        self.assertTrue(self.broker.log_has(r"on_authorize_publish hook hooks\.py:\d+ check failed"))

    def test_on_error_next_lets_the_next_plugin_decide_instead(self):
        self.start(self.SCRIPT, plugin_settings={"on_error": '"next"'})
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("errors/#")
        self.clients.connected("pub").publish("errors/boom", b"1")
        self.assertEqual(subscriber.next_message().topic, "errors/boom")


class AuthorizeTest(PluginTestCase):
    def test_on_authorize_subscribe_refuses_one_filter_of_a_subscribe(self):
        self.start("""
            import starling

            @starling.on_authorize_subscribe
            def check(subscription):
                if subscription.filter.startswith("private/"):
                    return starling.DENY
            """)
        client = self.clients.connected("sub", V5)
        self.assertEqual(client.subscribe("private/x"), [NOT_AUTHORIZED])
        self.assertEqual(client.subscribe("public/x", qos=1), [1])
        old = self.clients.connected("old", V311)
        self.assertEqual(old.subscribe("private/x"), [0x80])

    def test_on_authorize_publish_with_a_filter_judges_only_matching_topics(self):
        self.start("""
            import starling

            @starling.on_authorize_publish(filter="secret/#")
            def check(message):
                return message.client.username == "boss"
            """)
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("secret/#")
        subscriber.subscribe("open/#")
        worker = self.clients.connected("worker", V5, username="worker", password="pw")
        worker.publish("secret/plan", b"from worker")
        worker.publish("open/news", b"from worker")
        boss = self.clients.connected("boss", V5, username="boss", password="pw")
        boss.publish("secret/plan", b"from boss")
        # Had the worker's secret/plan gone through, it would be among the
        # first two: it was sent before the worker's open/news.
        received = sorted((m.topic, m.payload) for m in
                          (subscriber.next_message(), subscriber.next_message()))
        self.assertEqual(received, [("open/news", b"from worker"), ("secret/plan", b"from boss")])

    def test_on_deliver_keeps_a_message_from_one_subscriber_only(self):
        self.start("""
            import starling

            @starling.on_deliver(filter="news/#")
            def adults_only(message):
                return message.client.username != "kid"
            """)
        kid = self.clients.connected("kid", V5, username="kid", password="pw")
        adult = self.clients.connected("adult", V5, username="adult", password="pw")
        for client in (kid, adult):
            client.subscribe("news/#")
            client.subscribe("weather/#")
        publisher = self.clients.connected("pub")
        publisher.publish("news/late", b"n")
        publisher.publish("weather/sun", b"w")
        self.assertEqual(adult.next_message().topic, "news/late")
        self.assertEqual(adult.next_message().topic, "weather/sun")
        self.assertEqual(kid.next_message().topic, "weather/sun")


class OnMessageTest(PluginTestCase):
    def test_assigning_the_topic_redirects_the_message(self):
        self.start("""
            import starling

            @starling.on_message(filter="legacy/#")
            def move(message):
                message.topic = "sites/" + message.topic[len("legacy/"):]
            """)
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("#")
        publisher = self.clients.connected("pub")
        publisher.publish("legacy/a/temp", b"21.5")
        publisher.publish("other/marker", b"m")
        first = subscriber.next_message()
        self.assertEqual((first.topic, first.payload), ("sites/a/temp", b"21.5"))
        self.assertEqual(subscriber.next_message().topic, "other/marker")

    def test_a_returned_dict_or_message_replaces_those_fields(self):
        self.start("""
            import starling

            @starling.on_message("shout/#")
            def shout(message):
                return {"payload": message.payload.upper(), "retain": True}

            @starling.on_message(filter=["copy/#"])
            def replace(message):
                return starling.Message("copied/" + message.topic, "new", qos=0)
            """)
        publisher = self.clients.connected("pub")
        publisher.publish("shout/x", b"hello", qos=1)
        late = self.clients.connected("late")
        late.subscribe("shout/#")
        retained = late.next_message()
        self.assertEqual((retained.topic, retained.payload, retained.retain),
                         ("shout/x", b"HELLO", 1))
        late.subscribe("copied/#")
        publisher.publish("copy/y", b"old")
        copied = late.next_message()
        self.assertEqual((copied.topic, copied.payload, copied.qos), ("copied/copy/y", b"new", 0))

    def test_false_or_drop_drops_the_message(self):
        self.start("""
            import starling

            @starling.on_message(filter="in/#")
            def censor(message):
                if message.payload == b"drop":
                    return starling.DROP
                if message.payload == b"false":
                    return False
            """)
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("in/#")
        publisher = self.clients.connected("pub")
        for payload in (b"drop", b"false", b"keep"):
            publisher.publish("in/x", payload)
        self.assertEqual(subscriber.next_message().payload, b"keep")

    def test_hooks_run_in_order_and_a_later_one_sees_the_new_topic(self):
        self.start("""
            import starling

            @starling.on_message(filter="a/#")
            def first(message):
                message.topic = "b/" + message.topic

            @starling.on_message(filter="b/#")
            def second(message):
                message.payload = message.payload + b"+second"
            """)
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("b/#")
        self.clients.connected("pub").publish("a/1", b"x")
        message = subscriber.next_message()
        self.assertEqual((message.topic, message.payload), ("b/a/1", b"x+second"))

    def test_a_change_the_broker_refuses_counts_as_a_hook_error(self):
        self.start("""
            import starling

            @starling.on_message(filter="bad/#")
            def wildcard(message):
                if message.payload == b"wild":
                    message.topic = "bad/+"
            """)
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("bad/#")
        publisher = self.clients.connected("pub")
        publisher.publish("bad/x", b"wild")
        publisher.publish("bad/y", b"fine")
        self.assertEqual(subscriber.next_message().payload, b"fine")
        self.assertTrue(self.broker.log_has("refused the changed message's topic 'bad/\\+'"))

    def test_starling_publish_from_a_hook_reaches_subscribers(self):
        self.start("""
            import starling

            @starling.on_message(filter="orders/#")
            def audit(message):
                starling.publish("audit/" + message.topic, message.payload, qos=1)
            """)
        auditor = self.clients.connected("auditor")
        auditor.subscribe("audit/#")
        self.clients.connected("pub").publish("orders/7", b"2 apples")
        message = auditor.next_message()
        self.assertEqual((message.topic, message.payload), ("audit/orders/7", b"2 apples"))

    def test_a_topic_no_filter_matches_never_waits_for_python(self):
        # A thread of the script's own holds the GIL for seconds (a huge
        # switch interval keeps it from yielding), started by a file the
        # test creates, so no broker thread is involved in starting it. A
        # message on a topic no on_message filter matches is delivered
        # meanwhile; one on a matching topic reaches its hook only once the
        # GIL is free, which the hook writes into it.
        broker = self.start("""
            import os, sys, threading, time
            import starling

            hog_done = False

            def hog():
                global hog_done
                while not os.path.exists(starling.options["trigger"]):
                    time.sleep(0.01)
                sys.setswitchinterval(60)
                starling.info("hogging the GIL")
                end = time.monotonic() + 5
                while time.monotonic() < end:
                    pass
                hog_done = True
                sys.setswitchinterval(0.005)

            threading.Thread(target=hog, daemon=True).start()

            @starling.on_message(filter="sensors/#")
            def seen(message):
                message.payload = b"hog done: %r" % hog_done
            """, plugin_options={"trigger": "{dir}/hog-now"})
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("#")
        publisher = self.clients.connected("pub")
        open(os.path.join(broker.dir, "hog-now"), "w").close()
        self.assertIsNotNone(broker.wait_for_log("hogging the GIL"))
        publisher.publish("other/1", b"no python", qos=0)
        self.assertEqual(subscriber.next_message(timeout=3).topic, "other/1")
        publisher.publish("sensors/1", b"python", qos=0)
        self.assertEqual(subscriber.next_message().payload, b"hog done: True")


class EventsTest(PluginTestCase):
    def test_on_connected_and_on_disconnected_see_each_client(self):
        self.start("""
            import starling

            @starling.on_connected
            def hello(client):
                starling.publish("events/connected/" + client.client_id,
                                 f"{client.username} {client.protocol_version} "
                                 f"{client.session_present} {client.reason}")

            @starling.on_disconnected
            def bye(client):
                starling.publish("events/disconnected/" + client.client_id, client.reason)
            """)
        watcher = self.clients.connected("watcher")
        watcher.subscribe("events/#")
        visitor = self.clients.make("visitor", V311, username="vera", password="pw")
        visitor.connect()
        hello = watcher.next_message()
        self.assertEqual((hello.topic, hello.payload),
                         ("events/connected/" + visitor.client_id, b"vera 4 False None"))
        visitor.close()
        bye = watcher.next_message()
        self.assertEqual((bye.topic, bye.payload),
                         ("events/disconnected/" + visitor.client_id, b"normal"))

    def test_on_message_dropped_reports_a_message_nobody_subscribed_to(self):
        self.start("""
            import starling

            @starling.on_message_dropped
            def dropped(drop):
                if drop.topic.startswith("nobody/"):
                    starling.publish("dropped/" + drop.reason, f"{drop.topic} {drop.payload_size}")
            """)
        watcher = self.clients.connected("watcher")
        watcher.subscribe("dropped/#")
        self.clients.connected("pub").publish("nobody/home", b"12345")
        message = watcher.next_message()
        self.assertEqual((message.topic, message.payload),
                         ("dropped/no_subscribers", b"nobody/home 5"))

    def test_every_runs_plain_and_async_functions_repeatedly(self):
        self.start("""
            import asyncio
            import starling

            count = 0

            @starling.every(0.05)
            def tick():
                global count
                count += 1
                starling.publish("ticks/plain", str(count))

            @starling.every(0.1)
            async def tock():
                await asyncio.sleep(0.01)
                starling.publish("ticks/async", "tock")
            """)
        watcher = self.clients.connected("watcher")
        watcher.subscribe("ticks/#")
        plain, in_async = [], 0
        while len(plain) < 3 or in_async < 2:
            message = watcher.next_message()
            if message.topic == "ticks/plain":
                plain.append(int(message.payload))
            else:
                in_async += 1
        self.assertEqual(plain, sorted(plain))
        self.assertEqual(len(set(plain)), len(plain))

    def test_starling_disconnect_ends_a_clients_connection(self):
        self.start("""
            import starling

            @starling.on_message(filter="admin/kick")
            def kick(message):
                if not starling.disconnect(message.payload.decode()):
                    starling.warning("not connected: " + message.payload.decode())
                return starling.DROP
            """)
        victim = self.clients.connected("victim")
        self.clients.connected("admin").publish("admin/kick", victim.client_id.encode())
        self.assertTrue(victim.disconnected.wait(10), "the client was not disconnected")


if __name__ == "__main__":
    unittest.main()
