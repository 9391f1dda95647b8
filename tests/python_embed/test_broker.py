"""starling.Broker embedded in Python: lifecycle, publish and subscribe
against real Paho clients, bad arguments."""
import logging
import os
import queue
import tempfile
import threading
import time
import unittest

import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes

import starling
from embed_test_case import EmbedTestCase
from paho_client import PahoClient


class LifecycleTest(unittest.TestCase):
    def test_a_broker_starts_and_stops_twenty_times_in_one_process(self):
        for _ in range(20):
            with starling.Broker(listen="127.0.0.1:0", threads=1) as broker:
                self.assertTrue(broker.running)
                self.assertGreater(broker.port, 0)
            self.assertFalse(broker.running)

    def test_the_same_broker_object_restarts_after_stop(self):
        broker = starling.Broker(listen=["127.0.0.1:0"], threads=1)
        for _ in range(3):
            broker.start()
            received = queue.Queue()
            broker.subscribe("t", received.put)
            broker.publish("t", b"x")
            self.assertEqual(received.get(timeout=5).payload, b"x")
            broker.stop()
        broker.stop()  # idempotent

    def test_endpoints_list_every_listener_with_its_real_port(self):
        with tempfile.TemporaryDirectory() as directory:
            socket_path = os.path.join(directory, "s.sock")
            with starling.Broker(listen=["127.0.0.1:0", "ws://127.0.0.1:0/mqtt",
                                         "unix:" + socket_path]) as broker:
                types = [e.type for e in broker.endpoints]
                self.assertEqual(types, ["tcp", "ws", "unix"])
                self.assertTrue(all(e.port > 0 for e in broker.endpoints[:2]))
                self.assertEqual(broker.endpoints[2].host, socket_path)

    def test_a_durable_broker_keeps_retained_messages_across_a_restart(self):
        with tempfile.TemporaryDirectory() as directory:
            with starling.Broker(listen="127.0.0.1:0", data_dir=directory) as broker:
                broker.publish("state/pump", b"on", qos=1, retain=True)
                time.sleep(0.2)
            with starling.Broker(listen="127.0.0.1:0", data_dir=directory) as broker:
                stream = broker.messages("state/#", timeout=5)
                message = stream.get(5)
                self.assertIsNotNone(message)
                self.assertEqual((message.topic, message.payload), ("state/pump", b"on"))

    def test_a_config_dict_configures_the_broker(self):
        config = {"threads": 1, "mqtt": {"maximum_qos": 1},
                  "storage": {"durability": "memory"},
                  "listeners": [{"type": "tcp", "bind": "127.0.0.1:0"}]}
        with starling.Broker(config=config) as broker:
            with self.assertRaisesRegex(ValueError, "maximum_qos"):
                broker.publish("t", b"x", qos=2)

    def test_a_config_file_configures_the_broker(self):
        with tempfile.NamedTemporaryFile("w", suffix=".toml") as f:
            f.write('threads = 1\n[storage]\ndurability = "memory"\n'
                    '[[listeners]]\nbind = "127.0.0.1:0"\n')
            f.flush()
            with starling.Broker(config=f.name) as broker:
                self.assertGreater(broker.port, 0)


class BadArgumentsTest(unittest.TestCase):
    def test_a_bad_listen_address_raises_a_starling_error_naming_it(self):
        broker = starling.Broker(listen=["nonsense"])
        with self.assertRaisesRegex(starling.StarlingError, "nonsense.*HOST:PORT"):
            broker.start()
        self.assertFalse(broker.running)

    def test_a_port_in_use_raises_a_starling_error(self):
        with starling.Broker(listen="127.0.0.1:0", threads=1) as first:
            second = starling.Broker(listen=f"127.0.0.1:{first.port}", threads=1)
            with self.assertRaises(starling.StarlingError):
                second.start()

    def test_a_bad_config_raises_value_error_at_construction(self):
        with self.assertRaisesRegex(ValueError, "no_such_key"):
            starling.Broker(config={"no_such_key": 1})
        with self.assertRaisesRegex(ValueError, "cannot read config file"):
            starling.Broker(config="/nonexistent/starling.toml")
        with self.assertRaisesRegex(ValueError, "scheme"):
            starling.Broker(listen=["tls://127.0.0.1:0"])
        with self.assertRaises(ValueError):
            starling.Broker(queue_size=0)

    def test_an_unknown_durability_raises_a_starling_error(self):
        with self.assertRaisesRegex(starling.StarlingError, "durability 'forever'"):
            starling.Broker(listen="127.0.0.1:0", durability="forever").start()

    def test_invalid_topics_and_filters_raise_value_error(self):
        with starling.Broker(listen="127.0.0.1:0", threads=1) as broker:
            for topic in ["", "a/+", "a/#"]:
                with self.assertRaisesRegex(ValueError, "invalid topic"):
                    broker.publish(topic, b"x")
            with self.assertRaisesRegex(ValueError, "qos"):
                broker.publish("a", b"x", qos=3)
            with self.assertRaises(TypeError):
                broker.publish("a", 12)
            for bad in ["a/#/b", "a+", ""]:
                with self.assertRaisesRegex(ValueError, "invalid topic filter"):
                    broker.subscribe(bad, print)
            with self.assertRaisesRegex(ValueError, "shared"):
                broker.subscribe("$share/g/a", print)
            with self.assertRaises(TypeError):
                broker.subscribe("a", "not callable")

    def test_a_stopped_broker_raises_starling_error_on_use(self):
        broker = starling.Broker(listen="127.0.0.1:0", threads=1)
        with self.assertRaisesRegex(starling.StarlingError, "not running"):
            broker.publish("a", b"x")
        with self.assertRaisesRegex(starling.StarlingError, "not running"):
            broker.subscribe("a", print)

    def test_the_python_hook_plugin_is_refused_inside_python(self):
        plugin = os.environ.get("STARLING_PYTHON_PLUGIN")
        if not plugin:
            self.skipTest("STARLING_PYTHON_PLUGIN is not set")
        config = {"listeners": [{"bind": "127.0.0.1:0"}], "storage": {"durability": "memory"},
                  "plugins": [{"path": plugin, "options": {"script": "/dev/null"}}]}
        broker = starling.Broker(config=config)
        with self.assertRaisesRegex(starling.StarlingError, "links libpython.*cannot run inside a Python process"):
            broker.start()
        # The process lives on: a plain broker still works.
        with starling.Broker(listen="127.0.0.1:0", threads=1) as plain:
            self.assertGreater(plain.port, 0)


class PublishTest(EmbedTestCase):
    def test_a_publish_reaches_a_paho_subscriber_with_its_properties(self):
        subscriber = self.paho("sub")
        subscriber.subscribe("cmd/#", 1)
        self.broker.publish("cmd/pump", b"on", qos=1, content_type="text/plain",
                            user_properties={"source": "gateway"}, message_expiry=60,
                            correlation_data=b"\x00id", response_topic="reply/pump")
        message = subscriber.next_message()
        self.assertEqual((message.topic, message.payload, message.qos), ("cmd/pump", b"on", 1))
        self.assertEqual(message.properties.ContentType, "text/plain")
        self.assertEqual(message.properties.UserProperty, [("source", "gateway")])
        self.assertEqual(message.properties.CorrelationData, b"\x00id")
        self.assertEqual(message.properties.ResponseTopic, "reply/pump")
        self.assertLessEqual(message.properties.MessageExpiryInterval, 60)

    def test_a_str_payload_is_sent_as_utf8(self):
        subscriber = self.paho("sub", version=mqtt.MQTTv311)
        subscriber.subscribe("text", 0)
        self.broker.publish("text", "grüße")
        self.assertEqual(subscriber.next_message().payload, "grüße".encode())

    def test_a_retained_publish_reaches_a_later_paho_subscriber(self):
        self.broker.publish("state/valve", b"closed", qos=1, retain=True)
        time.sleep(0.1)
        subscriber = self.paho("sub")
        subscriber.subscribe("state/+", 1)
        message = subscriber.next_message()
        self.assertEqual(message.payload, b"closed")
        self.assertTrue(message.retain)


class SubscribeTest(EmbedTestCase):
    def test_a_paho_publish_reaches_the_callback_with_its_properties(self):
        received = self.inbox("sensors/#")
        properties = Properties(PacketTypes.PUBLISH)
        properties.UserProperty = [("unit", "C")]
        properties.ContentType = "text/plain"
        self.paho("pub").publish("sensors/t1", b"21.5", 1, properties=properties)
        message = self.next(received)
        self.assertEqual((message.topic, message.payload, message.qos, message.retain),
                         ("sensors/t1", b"21.5", 1, False))
        self.assertEqual(message.user_properties, [("unit", "C")])
        self.assertEqual(message.content_type, "text/plain")
        self.assertEqual(message.text, "21.5")

    def test_a_paho_publish_reaches_the_iterator(self):
        stream = self.broker.messages("sensors/#", timeout=5)
        publisher = self.paho("pub")
        for i in range(3):
            publisher.publish(f"sensors/{i}", str(i).encode(), 1)
        got = []
        for message in stream:
            got.append(message.payload)
            if len(got) == 3:
                break
        self.assertEqual(got, [b"0", b"1", b"2"])

    def test_the_iterator_ends_after_its_timeout(self):
        stream = self.broker.messages("nothing/here", timeout=0.2)
        started = time.monotonic()
        self.assertEqual(list(stream), [])
        self.assertLess(time.monotonic() - started, 3)

    def test_the_iterator_ends_when_the_broker_stops(self):
        stream = self.broker.messages("a/#")
        threading.Timer(0.2, self.broker.stop).start()
        self.assertEqual(list(stream), [])

    def test_retained_messages_are_delivered_on_subscribe_with_retain_set(self):
        publisher = self.paho("pub")
        publisher.publish("rooms/a", b"A", 1, retain=True)
        publisher.publish("rooms/b", b"B", 1, retain=True)
        received = self.inbox("rooms/+")
        got = sorted((m.topic, m.retain) for m in (self.next(received), self.next(received)))
        self.assertEqual(got, [("rooms/a", True), ("rooms/b", True)])
        self.assertQuiet(received)
        quiet = self.inbox("rooms/+", send_retained=False)
        self.assertQuiet(quiet)

    def test_wildcards_follow_mqtt_rules_for_dollar_topics(self):
        everything = self.inbox("#", send_retained=False)
        dollar = self.inbox("$app/#", send_retained=False)
        self.broker.publish("$app/x", b"1")
        self.assertEqual(self.next(dollar).topic, "$app/x")
        self.broker.publish("plain", b"2")
        self.assertEqual(self.next(everything).topic, "plain")

    def test_a_closed_subscription_receives_nothing_more(self):
        received = queue.Queue()
        subscription = self.broker.subscribe("t", received.put)
        self.broker.publish("t", b"1")
        self.next(received)
        subscription.close()
        subscription.close()
        self.assertFalse(subscription.active)
        self.broker.publish("t", b"2")
        self.assertQuiet(received)

    def test_a_callback_that_raises_is_logged_and_delivery_goes_on(self):
        received = queue.Queue()

        def callback(message):
            received.put(message)
            raise RuntimeError("callback failure " + message.payload.decode())

        self.broker.subscribe("t", callback)
        with self.assertLogs("starling", level="ERROR") as logs:
            self.broker.publish("t", b"1")
            self.broker.publish("t", b"2")
            self.next(received)
            self.next(received)
            time.sleep(0.1)
        self.assertIn("callback failure 1", "\n".join(logs.output))
        self.assertIn("Traceback", "\n".join(logs.output))

    def test_a_slow_callback_does_not_stall_the_broker(self):
        release = threading.Event()
        self.addCleanup(release.set)
        self.broker.subscribe("slow", lambda message: release.wait(10))
        self.broker.publish("slow", b"x")
        subscriber = self.paho("sub")
        subscriber.subscribe("fast", 1)
        started = time.monotonic()
        self.paho("pub").publish("fast", b"y", 1)
        self.assertEqual(subscriber.next_message(timeout=5).payload, b"y")
        self.assertLess(time.monotonic() - started, 2)

    def test_a_callback_may_publish_and_close_its_subscription(self):
        answers = self.inbox("answer")
        holder = {}

        def callback(message):
            self.broker.publish("answer", message.payload + b"!")
            holder["subscription"].close()

        holder["subscription"] = self.broker.subscribe("question", callback)
        self.broker.publish("question", b"why")
        self.assertEqual(self.next(answers).payload, b"why!")
        self.broker.publish("question", b"again")
        self.assertQuiet(answers)

    def test_stop_from_inside_a_callback_raises_instead_of_deadlocking(self):
        errors = queue.Queue()

        def callback(message):
            try:
                self.broker.stop()
            except starling.StarlingError as e:
                errors.put(e)

        self.broker.subscribe("t", callback)
        self.broker.publish("t", b"x")
        self.assertIn("from a subscription callback", str(self.next(errors)))


class QueueFullTest(EmbedTestCase):
    broker_settings = {"queue_size": 5}

    def test_when_the_callback_queue_is_full_new_messages_are_dropped_counted_and_logged(self):
        release = threading.Event()
        self.addCleanup(release.set)
        received = queue.Queue()

        def callback(message):
            release.wait(10)
            received.put(message)

        self.broker.subscribe("burst", callback)
        with self.assertLogs("starling", level="WARNING") as logs:
            for i in range(50):
                self.broker.publish("burst", str(i).encode())
            # Every publish is either queued or dropped. The dispatcher takes
            # what waits as one batch, so at most one batch (5) plus a full
            # queue (5) are kept: at least 40 dropped. Release only then.
            deadline = time.monotonic() + 10
            while self.broker.dropped < 40 and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.2)
            release.set()
            first = self.next(received)
            time.sleep(0.3)
        delivered = [first] + [received.get_nowait() for _ in range(received.qsize())]
        numbers = [int(m.payload) for m in delivered]
        self.assertEqual(numbers, sorted(numbers))
        self.assertLessEqual(len(delivered), 10)
        self.assertEqual(len(delivered) + self.broker.dropped, 50)
        self.assertIn("dropped", "\n".join(logs.output))


if __name__ == "__main__":
    unittest.main()
