#!/usr/bin/python3
"""Interop checks with Eclipse Paho Python (paho-mqtt 1.6.1, Debian's
python3-paho-mqtt) against a running Starling broker.

    /usr/bin/python3 paho_interop.py --port PORT [--host 127.0.0.1]

Prints one line per check ("ok - ..." or "FAIL - ...") and exits 1 if any
check failed. Every wait is bounded; the whole run takes a few seconds.
"""
import argparse
import itertools
import queue
import socket
import sys
import threading
import time
import uuid

import paho.mqtt
import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

WAIT = 5.0  # seconds, for any one expected event
VERSIONS = {"3.1.1": mqtt.MQTTv311, "5": mqtt.MQTTv5}


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Client:
    """A paho client with a network thread, whose events are waited on."""

    def __init__(self, args, version, client_id=None, clean=True, will=None,
                 session_expiry=None, loop=True):
        self.version = version
        self.messages = queue.Queue()
        self.connected = threading.Event()
        self.connack = None
        self.subacks = {}
        self.suback_event = threading.Condition()
        client_id = client_id or "paho-" + uuid.uuid4().hex[:8]
        if version == mqtt.MQTTv5:
            self.client = mqtt.Client(client_id=client_id, protocol=version)
        else:
            self.client = mqtt.Client(client_id=client_id, clean_session=clean, protocol=version)
        self.client.on_connect = self._on_connect
        self.client.on_message = lambda c, u, m: self.messages.put(m)
        self.client.on_subscribe = self._on_subscribe
        if will:
            self.client.will_set(**will)
        kwargs = {}
        if version == mqtt.MQTTv5:
            kwargs["clean_start"] = clean
            if session_expiry is not None:
                props = Properties(PacketTypes.CONNECT)
                props.SessionExpiryInterval = session_expiry
                kwargs["properties"] = props
        self.client.connect(args.host, args.port, keepalive=30, **kwargs)
        self.looping = loop
        if loop:
            self.client.loop_start()
            expect(self.connected.wait(WAIT), f"{client_id}: no CONNACK within {WAIT}s")
        else:
            deadline = time.monotonic() + WAIT
            while not self.connected.is_set() and time.monotonic() < deadline:
                self.client.loop(timeout=0.1)
            expect(self.connected.is_set(), f"{client_id}: no CONNACK within {WAIT}s")
        expect(self.connack_ok(), f"{client_id}: CONNACK refused: {self.connack}")

    def _on_connect(self, client, userdata, flags, rc, properties=None):
        self.connack = (flags, rc)
        self.connected.set()

    def connack_ok(self):
        rc = self.connack[1]
        return rc == 0 if isinstance(rc, int) else rc.value == 0

    def session_present(self):
        return bool(self.connack[0].get("session present"))

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        with self.suback_event:
            self.subacks[mid] = granted
            self.suback_event.notify_all()

    def subscribe(self, topic, qos=0):
        result, mid = self.client.subscribe(topic, qos)
        expect(result == mqtt.MQTT_ERR_SUCCESS, f"subscribe {topic} failed to send: {result}")
        with self.suback_event:
            expect(self.suback_event.wait_for(lambda: mid in self.subacks, WAIT),
                   f"no SUBACK for {topic} within {WAIT}s")
            granted = self.subacks[mid][0]
        granted_qos = granted if isinstance(granted, int) else granted.value
        expect(granted_qos == qos, f"SUBACK for {topic} granted {granted}, want QoS {qos}")

    def publish(self, topic, payload, qos=0, retain=False, properties=None):
        info = self.client.publish(topic, payload, qos=qos, retain=retain, properties=properties)
        info.wait_for_publish(WAIT)
        expect(info.is_published(), f"publish to {topic} (QoS {qos}) not completed within {WAIT}s")

    def receive(self, what):
        try:
            return self.messages.get(timeout=WAIT)
        except queue.Empty:
            raise CheckFailed(f"{what}: no message within {WAIT}s") from None

    def nothing_more(self, seconds=0.3):
        try:
            m = self.messages.get(timeout=seconds)
        except queue.Empty:
            return
        raise CheckFailed(f"unexpected extra message on {m.topic}: {m.payload[:40]!r}")

    def disconnect(self):
        self.client.disconnect()
        if self.looping:
            self.client.loop_stop()

    def drop_connection(self):
        """Closes the socket without DISCONNECT, as a crashed client would."""
        sock = self.client.socket()
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        if self.looping:
            self.client.loop_stop()


def topic(name):
    return f"interop/paho/{name}/{uuid.uuid4().hex[:6]}"


# --- checks ----------------------------------------------------------------

def check_round_trip(args, version, qos):
    payload = bytes(range(256)) * 8 + b"\x00end"
    t = topic(f"qos{qos}")
    sub = Client(args, version)
    sub.subscribe(t, qos)
    pub = Client(args, version)
    pub.publish(t, payload, qos=qos)
    m = sub.receive("round trip")
    expect(m.payload == payload, f"payload changed: {len(m.payload)} bytes back, {len(payload)} sent")
    expect(m.qos == qos, f"delivered at QoS {m.qos}, want {qos}")
    expect(m.topic == t, f"delivered on {m.topic}, want {t}")
    sub.nothing_more()
    pub.disconnect()
    sub.disconnect()
    return f"QoS {qos} round trip, {len(payload)} binary bytes intact"


def check_retained(args, version):
    t = topic("retained")
    pub = Client(args, version)
    pub.publish(t, b"kept", qos=1, retain=True)
    later = Client(args, version)
    later.subscribe(t, 1)
    m = later.receive("retained message for a later subscriber")
    expect(m.payload == b"kept" and m.retain, f"got {m.payload!r} retain={m.retain}, want b'kept' retained")
    later.disconnect()
    pub.publish(t, b"", qos=1, retain=True)
    cleared = Client(args, version)
    cleared.subscribe(t, 1)
    pub.publish(t, b"live", qos=1)
    m = cleared.receive("live message after clearing")
    expect(m.payload == b"live" and not m.retain,
           f"after clearing, first message was {m.payload!r} retain={m.retain}, want the live one")
    pub.disconnect()
    cleared.disconnect()
    return "retained message kept for a later subscriber, cleared by an empty retained publish"


def check_will(args, version):
    t = topic("will")
    watcher = Client(args, version)
    watcher.subscribe(t, 1)
    victim = Client(args, version, will={"topic": t, "payload": b"gone", "qos": 1}, loop=False)
    victim.drop_connection()
    m = watcher.receive("will after the socket was closed")
    expect(m.payload == b"gone" and m.qos == 1, f"got {m.payload!r} at QoS {m.qos}, want b'gone' at 1")
    polite = Client(args, version, will={"topic": t, "payload": b"not sent", "qos": 1})
    polite.disconnect()
    watcher.nothing_more(0.5)
    watcher.disconnect()
    return "will published when the socket closes abruptly, not after DISCONNECT"


def check_persistent_session(args, version):
    t = topic("persistent")
    cid = "paho-persist-" + uuid.uuid4().hex[:6]
    first = Client(args, version, client_id=cid, clean=False, session_expiry=60)
    first.subscribe(t, 1)
    first.disconnect()
    pub = Client(args, version)
    pub.publish(t, b"while away", qos=1)
    back = Client(args, version, client_id=cid, clean=False, session_expiry=60)
    expect(back.session_present(), "session present flag not set on reconnect")
    m = back.receive("message queued while offline")
    expect(m.payload == b"while away", f"got {m.payload!r}")
    back.disconnect()
    cleanup = Client(args, version, client_id=cid, clean=True)
    cleanup.disconnect()
    pub.disconnect()
    return "QoS 1 message queued for an offline persistent session, delivered on resume"


def check_v5_properties(args):
    t = topic("props")
    sub = Client(args, mqtt.MQTTv5)
    sub.subscribe(t, 1)
    pub = Client(args, mqtt.MQTTv5)
    props = Properties(PacketTypes.PUBLISH)
    props.UserProperty = [("colour", "blue"), ("colour", "green"), ("key two", "value two")]
    props.ResponseTopic = "interop/paho/reply"
    props.CorrelationData = b"\x00\x01corr\xff"
    props.MessageExpiryInterval = 120
    props.ContentType = "application/octet-stream"
    props.PayloadFormatIndicator = 0
    pub.publish(t, b"props", qos=1, properties=props)
    m = sub.receive("message with properties")
    p = m.properties
    expect(getattr(p, "UserProperty", None) == props.UserProperty,
           f"user properties arrived as {getattr(p, 'UserProperty', None)}")
    expect(getattr(p, "ResponseTopic", None) == "interop/paho/reply",
           f"response topic arrived as {getattr(p, 'ResponseTopic', None)}")
    expect(getattr(p, "CorrelationData", None) == b"\x00\x01corr\xff",
           f"correlation data arrived as {getattr(p, 'CorrelationData', None)}")
    expiry = getattr(p, "MessageExpiryInterval", None)
    expect(expiry is not None and 115 <= expiry <= 120, f"message expiry arrived as {expiry}")
    expect(getattr(p, "ContentType", None) == "application/octet-stream",
           f"content type arrived as {getattr(p, 'ContentType', None)}")
    pub.disconnect()
    sub.disconnect()
    return "v5 user properties (order, repeats), response topic, correlation data, expiry, content type"


def check_request_response(args):
    request_topic = topic("request")
    responder = Client(args, mqtt.MQTTv5)
    responder.subscribe(request_topic, 1)

    requester = Client(args, mqtt.MQTTv5)
    response_topic = topic("response")
    requester.subscribe(response_topic, 1)
    props = Properties(PacketTypes.PUBLISH)
    props.ResponseTopic = response_topic
    props.CorrelationData = b"request-7"
    requester.publish(request_topic, b"ping?", qos=1, properties=props)

    request = responder.receive("request")
    answer = Properties(PacketTypes.PUBLISH)
    answer.CorrelationData = request.properties.CorrelationData
    responder.publish(request.properties.ResponseTopic, b"pong: " + request.payload, qos=1,
                      properties=answer)
    m = requester.receive("response")
    expect(m.payload == b"pong: ping?", f"response payload {m.payload!r}")
    expect(m.properties.CorrelationData == b"request-7",
           f"response correlation data {m.properties.CorrelationData!r}")
    responder.disconnect()
    requester.disconnect()
    return "request/response through the response topic, correlation data echoed"


def check_message_expiry(args):
    t = topic("expiry")
    cid = "paho-expiry-" + uuid.uuid4().hex[:6]
    sub = Client(args, mqtt.MQTTv5, client_id=cid, clean=True, session_expiry=60)
    sub.subscribe(t, 1)
    sub.disconnect()
    pub = Client(args, mqtt.MQTTv5)
    short = Properties(PacketTypes.PUBLISH)
    short.MessageExpiryInterval = 1
    pub.publish(t, b"expires", qos=1, properties=short)
    pub.publish(t, b"stays", qos=1)
    time.sleep(2.2)
    back = Client(args, mqtt.MQTTv5, client_id=cid, clean=False, session_expiry=0)
    m = back.receive("queued message without expiry")
    expect(m.payload == b"stays", f"first queued message was {m.payload!r}, the expired one must be dropped")
    back.nothing_more()
    back.disconnect()
    pub.disconnect()
    return "a queued message past its expiry interval is dropped, the other delivered"


def check_shared_subscription(args):
    t = topic("shared")
    members = [Client(args, mqtt.MQTTv5) for _ in range(2)]
    for member in members:
        member.subscribe("$share/interop/" + t, 1)
    pub = Client(args, mqtt.MQTTv5)
    count = 20
    for i in range(count):
        pub.publish(t, b"%d" % i, qos=1)
    got = []
    deadline = time.monotonic() + WAIT
    while len(list(itertools.chain(*got))) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        got = [[m.payload for m in list(member.messages.queue)] for member in members]
    received = sorted(int(p) for p in itertools.chain(*got))
    expect(received == list(range(count)),
           f"the group received {len(received)} messages ({received}), want each of {count} once")
    expect(all(got), f"split {[len(g) for g in got]}: a member received nothing")
    for member in members:
        member.disconnect()
    pub.disconnect()
    return f"shared subscription split {count} messages {len(got[0])}/{len(got[1])}, each once"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    print(f"paho-mqtt {paho.mqtt.__version__} against {args.host}:{args.port}")

    checks = []
    for name, version in VERSIONS.items():
        for qos in (0, 1, 2):
            checks.append((f"v{name}", lambda v=version, q=qos: check_round_trip(args, v, q)))
        checks.append((f"v{name}", lambda v=version: check_retained(args, v)))
        checks.append((f"v{name}", lambda v=version: check_will(args, v)))
        checks.append((f"v{name}", lambda v=version: check_persistent_session(args, v)))
    checks.append(("v5", lambda: check_v5_properties(args)))
    checks.append(("v5", lambda: check_request_response(args)))
    checks.append(("v5", lambda: check_message_expiry(args)))
    checks.append(("v5", lambda: check_shared_subscription(args)))

    failed = 0
    for label, check in checks:
        try:
            print(f"ok - {label}: {check()}", flush=True)
        except Exception as e:  # a broken check must not hide the others
            failed += 1
            print(f"FAIL - {label}: {type(e).__name__}: {e}", flush=True)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
