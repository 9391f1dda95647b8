"""Paho MQTT clients (python3-paho-mqtt 1.6) whose events tests wait on,
every wait bounded."""
import queue
import threading
import uuid

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCodes

from starling_broker import WAIT

V311 = mqtt.MQTTv311
V5 = mqtt.MQTTv5


def unique_id(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def code_value(rc):
    return rc.value if isinstance(rc, ReasonCodes) else rc


class Client:
    """One connection; connect() returns the CONNACK code (0: accepted)."""

    def __init__(self, broker, name="client", version=V5, username=None, password=None,
                 client_id=None):
        self.broker = broker
        self.version = version
        self.client_id = client_id or unique_id(name)
        self.client = mqtt.Client(client_id=self.client_id, protocol=version)
        if username is not None:
            self.client.username_pw_set(username, password)
        self.messages = queue.Queue()
        self.connack = queue.Queue()
        self.disconnected = threading.Event()
        self._acks = {}
        self._acked = threading.Condition()
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda c, u, rc, *props: self.disconnected.set()
        self.client.on_message = lambda c, u, m: self.messages.put(m)
        self.client.on_subscribe = self._on_subscribe
        self.client.on_publish = self._on_publish

    def _on_connect(self, client, userdata, flags, rc, properties=None):
        self.connack.put(code_value(rc))

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        codes = [code_value(g) for g in granted]
        with self._acked:
            self._acks[mid] = codes
            self._acked.notify_all()

    def _on_publish(self, client, userdata, mid):
        with self._acked:
            self._acks[mid] = True
            self._acked.notify_all()

    def _wait_ack(self, mid):
        with self._acked:
            if not self._acked.wait_for(lambda: mid in self._acks, WAIT):
                raise AssertionError(f"{self.client_id}: no acknowledgement for mid {mid}")
            return self._acks.pop(mid)

    def start_connect(self):
        """Sends CONNECT without waiting; wait_connack() gets the answer."""
        self.client.connect("127.0.0.1", self.broker.port, keepalive=30)
        self.client.loop_start()

    def wait_connack(self):
        try:
            return self.connack.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"{self.client_id}: no CONNACK within {WAIT} s")

    def connect(self, expect_accepted=True):
        self.start_connect()
        try:
            code = self.connack.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"{self.client_id}: no CONNACK within {WAIT} s")
        if expect_accepted and code != 0:
            raise AssertionError(f"{self.client_id}: CONNACK {code}")
        return code

    def subscribe(self, topic_filter, qos=1):
        """Returns the SUBACK codes (granted QoS, or >= 0x80 refused)."""
        result, mid = self.client.subscribe(topic_filter, qos)
        assert result == mqtt.MQTT_ERR_SUCCESS
        return self._wait_ack(mid)

    def publish(self, topic, payload, qos=1, retain=False):
        """Publishes; for QoS > 0 waits for the acknowledgement."""
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        if qos > 0:
            self._wait_ack(info.mid)

    def next_message(self, timeout=WAIT):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.client_id}: no message within {timeout} s")

    def no_message(self, timeout=0.5):
        """True if nothing arrives within `timeout` (use after an ordering
        marker has arrived, so it confirms rather than guesses)."""
        try:
            self.messages.get(timeout=timeout)
            return False
        except queue.Empty:
            return True

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


class Clients:
    """Closes every client it made when a test ends."""

    def __init__(self, broker):
        self.broker = broker
        self.made = []

    def make(self, *args, **kwargs):
        client = Client(self.broker, *args, **kwargs)
        self.made.append(client)
        return client

    def connected(self, *args, **kwargs):
        client = self.make(*args, **kwargs)
        client.connect()
        return client

    def close_all(self):
        for client in self.made:
            try:
                client.close()
            except Exception:  # noqa: BLE001: a refused client has nothing to close
                pass
