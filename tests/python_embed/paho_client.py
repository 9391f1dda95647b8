"""A Paho MQTT client (python3-paho-mqtt 1.6) for the embedding tests: every
wait is bounded, received messages land in a queue."""
import queue
import threading
import uuid

import paho.mqtt.client as mqtt

WAIT = 10.0  # seconds, for any one expected event


class PahoClient:
    def __init__(self, port, name="client", version=mqtt.MQTTv5):
        self.client = mqtt.Client(client_id=f"{name}-{uuid.uuid4().hex[:8]}", protocol=version)
        self.messages = queue.Queue()
        self._connected = threading.Event()
        self._acks = {}
        self._acked = threading.Condition()
        self.client.on_connect = lambda c, u, f, rc, p=None: self._connected.set()
        self.client.on_message = lambda c, u, m: self.messages.put(m)
        self.client.on_subscribe = lambda c, u, mid, g, p=None: self._ack(mid)
        self.client.on_publish = lambda c, u, mid: self._ack(mid)
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        if not self._connected.wait(WAIT):
            self.close()
            raise AssertionError("no CONNACK")

    def _ack(self, mid):
        with self._acked:
            self._acks[mid] = True
            self._acked.notify_all()

    def _wait(self, mid):
        with self._acked:
            if not self._acked.wait_for(lambda: mid in self._acks, WAIT):
                raise AssertionError(f"no acknowledgement for packet {mid}")

    def subscribe(self, topic, qos=1):
        result, mid = self.client.subscribe(topic, qos)
        self._wait(mid)

    def publish(self, topic, payload, qos=1, retain=False, properties=None):
        info = self.client.publish(topic, payload, qos, retain, properties)
        self._wait(info.mid)

    def next_message(self, timeout=WAIT):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no message arrived") from None

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()
