#!/usr/bin/env python3
"""Writes the fuzzers' seed corpus: tests/fuzz/corpus/<target>/<name>.

Packets are encoded here by hand from the MQTT specs (not by Starling's
encoder), so the seeds do not share the encoder's mistakes. Run again after
changing it; the output is deterministic.

  fuzz_decoder: one file per packet kind and version (some hold several).
  fuzz_session: scripts in session_driver.hpp's format.
"""
import pathlib
import shutil
import struct

HERE = pathlib.Path(__file__).resolve().parent


# --- wire primitives -------------------------------------------------------

def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def u16(n):
    return struct.pack(">H", n)


def u32(n):
    return struct.pack(">I", n)


def s(text):
    data = text if isinstance(text, bytes) else text.encode()
    return u16(len(data)) + data


def packet(first_byte, body):
    return bytes([first_byte]) + varint(len(body)) + body


# Property encoders: (identifier, encoded value).
def p_byte(pid, v):
    return bytes([pid, v])


def p_u16(pid, v):
    return bytes([pid]) + u16(v)


def p_u32(pid, v):
    return bytes([pid]) + u32(v)


def p_var(pid, v):
    return bytes([pid]) + varint(v)


def p_str(pid, v):
    return bytes([pid]) + s(v)


def p_pair(k, v):
    return bytes([0x26]) + s(k) + s(v)


def props(*items):
    body = b"".join(items)
    return varint(len(body)) + body


# --- packets -----------------------------------------------------------------

V31, V311, V5 = 3, 4, 5


def connect(version=V311, client_id="c1", clean=True, keep_alive=30, will=None,
            username=None, password=None, properties=b"", will_properties=b""):
    name = b"MQIsdp" if version == V31 else b"MQTT"
    flags = 0x02 if clean else 0
    payload = s(client_id)
    if will:
        topic, message, qos, retain = will
        flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
        if version == V5:
            payload += props(will_properties)
        payload += s(topic) + s(message)
    if username is not None:
        flags |= 0x80
        payload += s(username)
    if password is not None:
        flags |= 0x40
        payload += s(password)
    body = s(name) + bytes([version, flags]) + u16(keep_alive)
    if version == V5:
        body += props(properties)
    return packet(0x10, body + payload)


def connack(version, present=False, code=0, properties=b""):
    body = bytes([1 if present else 0, code])
    if version == V5:
        body += props(properties)
    return packet(0x20, body)


def publish(version, topic, payload=b"", qos=0, retain=False, dup=False, pid=1, properties=b""):
    first = 0x30 | (qos << 1) | (1 if retain else 0) | (0x08 if dup else 0)
    body = s(topic)
    if qos:
        body += u16(pid)
    if version == V5:
        body += props(properties)
    return packet(first, body + payload)


def ack(kind, version, pid, reason=None, properties=None):
    first = {"puback": 0x40, "pubrec": 0x50, "pubrel": 0x62, "pubcomp": 0x70}[kind]
    body = u16(pid)
    if version == V5 and reason is not None:
        body += bytes([reason])
        if properties is not None:
            body += props(properties)
    return packet(first, body)


def subscribe(version, pid, entries, properties=b""):
    body = u16(pid)
    if version == V5:
        body += props(properties)
    for topic, options in entries:
        body += s(topic) + bytes([options])
    return packet(0x82, body)


def suback(version, pid, codes, properties=b""):
    body = u16(pid)
    if version == V5:
        body += props(properties)
    return packet(0x90, body + bytes(codes))


def unsubscribe(version, pid, filters, properties=b""):
    body = u16(pid)
    if version == V5:
        body += props(properties)
    return packet(0xA2, body + b"".join(s(f) for f in filters))


def unsuback(version, pid, codes=(), properties=b""):
    body = u16(pid)
    if version == V5:
        body += props(properties) + bytes(codes)
    return packet(0xB0, body)


def disconnect(version, reason=None, properties=None):
    body = b""
    if version == V5 and reason is not None:
        body = bytes([reason])
        if properties is not None:
            body += props(properties)
    return packet(0xE0, body)


def auth(reason=None, properties=None):
    body = b""
    if reason is not None:
        body = bytes([reason])
        if properties is not None:
            body += props(properties)
    return packet(0xF0, body)


PINGREQ = packet(0xC0, b"")
PINGRESP = packet(0xD0, b"")

PUBLISH_PROPS = (p_byte(0x01, 1), p_u32(0x02, 60), p_str(0x03, "text/plain"),
                 p_str(0x08, "reply/to"), p_str(0x09, b"\x00corr"), p_pair("k", "v"),
                 p_pair("k", "w"))


def decoder_seeds():
    seeds = {
        "connect_v31": connect(V31, "c31"),
        "connect_v311_minimal": connect(V311, ""),
        "connect_v311_will_auth": connect(V311, "c2", clean=False, will=("w/t", b"bye", 1, True),
                                          username="user", password=b"\x00\xffpw"),
        "connect_v5_minimal": connect(V5, "c5"),
        "connect_v5_properties": connect(
            V5, "c5p", properties=b"".join((p_u32(0x11, 3600), p_u16(0x21, 10),
                                            p_u32(0x27, 4096), p_u16(0x22, 5), p_byte(0x19, 1),
                                            p_byte(0x17, 0), p_pair("a", "b")))),
        "connect_v5_will_properties": connect(
            V5, "c5w", will=("w/5", b"gone", 2, False),
            will_properties=b"".join((p_u32(0x18, 5), p_byte(0x01, 1), p_u32(0x02, 10),
                                      p_str(0x03, "ct"), p_str(0x08, "r/t"), p_str(0x09, b"cd"),
                                      p_pair("x", "y")))),
        "connect_v5_auth_method": connect(V5, "c5a", properties=p_str(0x15, "SCRAM")
                                          + p_str(0x16, b"data")),
        "connack_v311": connack(V311, True, 0),
        "connack_v311_refused": connack(V311, False, 5),
        "connack_v5_properties": connack(V5, False, 0, b"".join((
            p_u16(0x21, 1024), p_u32(0x27, 1 << 20), p_u16(0x22, 64), p_byte(0x25, 1),
            p_byte(0x28, 1), p_byte(0x29, 1), p_byte(0x2A, 1), p_str(0x12, "auto-1"),
            p_u16(0x13, 60), p_u32(0x11, 30), p_str(0x1F, "fine"), p_byte(0x24, 1)))),
        "connack_v5_refused": connack(V5, False, 0x87, p_str(0x1F, "no") + p_str(0x1C, "other")),
        "publish_v311_qos0": publish(V311, "a/b", b"hello"),
        "publish_v311_qos1_retain": publish(V311, "a/b", b"\x00\x01\x02", qos=1, retain=True, pid=7),
        "publish_v311_qos2_dup": publish(V311, "a/b/c", b"x" * 40, qos=2, dup=True, pid=65535),
        "publish_v311_empty_payload": publish(V311, "r/t", b"", retain=True),
        "publish_v5_qos0": publish(V5, "a/b", b"hello"),
        "publish_v5_all_properties": publish(V5, "a/b", b"payload", qos=1, pid=3,
                                             properties=b"".join(PUBLISH_PROPS)),
        "publish_v5_topic_alias": publish(V5, "alias/t", b"1", properties=p_u16(0x23, 1))
                                  + publish(V5, "", b"2", properties=p_u16(0x23, 1)),
        "publish_v5_subscription_ids": publish(V5, "a", b"s", qos=2, pid=9,
                                               properties=p_var(0x0B, 1) + p_var(0x0B, 268435455)),
        "acks_v311": b"".join(ack(k, V311, 5) for k in ("puback", "pubrec", "pubrel", "pubcomp")),
        "acks_v5_short": b"".join(ack(k, V5, 6) for k in ("puback", "pubrec", "pubrel", "pubcomp")),
        "acks_v5_reason": b"".join(ack(k, V5, 7, r) for k, r in
                                   (("puback", 0x10), ("pubrec", 0x80), ("pubrel", 0x92),
                                    ("pubcomp", 0x00))),
        "acks_v5_properties": b"".join(ack(k, V5, 8, 0, p_str(0x1F, "why") + p_pair("u", "p"))
                                       for k in ("puback", "pubrec", "pubrel", "pubcomp")),
        "subscribe_v311": subscribe(V311, 1, [("a/+", 0), ("b/#", 1), ("c", 2)]),
        "subscribe_v5_options": subscribe(V5, 2, [("a/#", 0x2E), ("$share/g/t", 0x01),
                                                  ("x", 0x14)],
                                          p_var(0x0B, 42) + p_pair("s", "u")),
        "suback_v311": suback(V311, 1, [0, 1, 2, 0x80]),
        "suback_v5": suback(V5, 2, [0, 1, 2, 0x80, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2],
                            p_str(0x1F, "r")),
        "unsubscribe_v311": unsubscribe(V311, 3, ["a/+", "b/#"]),
        "unsubscribe_v5": unsubscribe(V5, 4, ["a/+", "$share/g/t"], p_pair("k", "v")),
        "unsuback_v311": unsuback(V311, 3),
        "unsuback_v5": unsuback(V5, 4, [0, 0x11, 0x80, 0x87, 0x8F], p_str(0x1F, "r")),
        "ping": PINGREQ + PINGRESP,
        "disconnect_v311": disconnect(V311),
        "disconnect_v5_short": disconnect(V5, 0x04),
        "disconnect_v5_properties": disconnect(V5, 0x8E, p_u32(0x11, 0) + p_str(0x1F, "bye")
                                               + p_str(0x1C, "srv") + p_pair("a", "b")),
        "auth_v5": auth(0x18, p_str(0x15, "M") + p_str(0x16, b"d") + p_str(0x1F, "go")),
        "auth_v5_empty": auth(),
        "stream_v311_session": connect(V311, "s") + subscribe(V311, 1, [("t", 1)])
                               + publish(V311, "t", b"m", qos=1, pid=2) + ack("puback", V311, 2)
                               + PINGREQ + disconnect(V311),
    }
    return seeds


# --- session scripts (see session_driver.hpp) ---------------------------------

SEND, TIME, LOSE, STEP, OPEN = 0, 4, 5, 6, 7
RAW, K311, K5, K5WILL = 0, 1, 2, 3


class Script:
    def __init__(self, small=False, two_shards=False):
        self.data = bytearray([(1 if small else 0) | (2 if two_shards else 0)])

    def header(self, slot, action, kind=0):
        self.data.append(slot | (action << 2) | (kind << 6))

    def send(self, slot, data, kind=K5, client=0):
        """Sends; a connection opened for it starts as `kind` says."""
        self.header(slot, SEND, kind)
        self.data += bytes([client]) + u16(len(data)) + data
        return self

    def open(self, slot, kind, client=0):
        self.header(slot, OPEN, kind)
        self.data.append(client)
        return self

    def time(self, tenths):
        self.header(0, TIME)
        self.data.append(tenths)
        return self

    def lose(self, slot):
        self.header(slot, LOSE)
        return self

    def step(self):
        self.header(0, STEP)
        return self


def session_seeds():
    seeds = {}

    sc = Script()
    sc.open(0, K5, 0).send(0, subscribe(V5, 1, [("a/#", 2)]))
    sc.open(1, K311, 1)
    sc.send(1, publish(V311, "a/b", b"q0") + publish(V311, "a/b", b"q1", qos=1, pid=1)
            + publish(V311, "a/b", b"q2", qos=2, pid=2))
    sc.send(1, ack("pubrel", V311, 2))
    sc.send(0, ack("puback", V5, 1) + ack("pubrec", V5, 2)).send(0, ack("pubcomp", V5, 2))
    seeds["pubsub_all_qos"] = sc

    sc = Script()
    sc.open(0, K311, 0).send(0, publish(V311, "r/t", b"kept", qos=1, retain=True, pid=1))
    sc.open(1, K5, 1).send(1, subscribe(V5, 1, [("r/#", 1)]))
    sc.send(0, publish(V311, "r/t", b"", retain=True))
    sc.open(2, K5, 2).send(2, subscribe(V5, 1, [("r/#", 0x21)]))
    seeds["retained_set_and_clear"] = sc

    sc = Script()
    sc.open(0, K5, 0).send(0, subscribe(V5, 1, [("will/#", 1)]))
    sc.open(1, K5WILL, 1).lose(1).time(5).time(20).time(60)
    seeds["will_after_delay"] = sc

    sc = Script(two_shards=True)
    sc.open(0, K5WILL, 1).send(0, subscribe(V5, 1, [("q/#", 1)]))
    sc.lose(0)
    sc.open(1, K311, 2).send(1, publish(V311, "q/x", b"queued", qos=1, pid=1))
    sc.open(3, K5WILL, 1).step().step().step()
    seeds["resume_across_shards"] = sc

    sc = Script(two_shards=True)
    sc.open(0, K5, 1).open(1, K5, 1).open(2, K311, 1).step()
    seeds["takeover"] = sc

    sc = Script()
    sc.open(0, K5, 0).send(0, subscribe(V5, 1, [("$share/g/s", 1)]))
    sc.open(1, K5, 1).send(1, subscribe(V5, 1, [("$share/g/s", 1)]))
    sc.open(2, K5, 2)
    sc.send(2, b"".join(publish(V5, "s", bytes([i]), qos=1, pid=i + 1) for i in range(6)))
    sc.lose(0).time(10)
    seeds["shared_subscription"] = sc

    sc = Script()
    sc.open(0, K5, 0).send(0, subscribe(V5, 1, [("al/#", 0)]))
    sc.open(1, K5, 1)
    sc.send(1, publish(V5, "al/1", b"a", properties=p_u16(0x23, 1))
            + publish(V5, "", b"b", properties=p_u16(0x23, 1))
            + publish(V5, "", b"c", properties=p_u16(0x23, 9)))
    seeds["topic_alias"] = sc

    sc = Script()
    sc.open(0, K5, 0).time(100).time(100).time(100)
    sc.open(1, RAW, 1).time(200)
    seeds["keep_alive_and_connect_timeout"] = sc

    sc = Script(small=True)
    sc.open(0, K5, 0).send(0, subscribe(V5, 1, [("#", 2)]))
    sc.open(1, K5, 1)
    sc.send(1, b"".join(publish(V5, "f/" + str(i), b"y" * 60, qos=2, pid=i + 1) for i in range(6)))
    sc.send(1, publish(V5, "big", b"z" * 600))
    seeds["small_limits_flood"] = sc

    sc = Script()
    sc.send(0, connect(V5, "raw", properties=p_u32(0x11, 10) + p_u16(0x22, 2) + p_u32(0x27, 64)),
            kind=RAW)
    sc.send(0, subscribe(V5, 1, [("t", 1)], p_var(0x0B, 5)))
    sc.send(0, publish(V5, "t", b"x" * 100, qos=1, pid=1))
    sc.send(0, publish(V5, "t", b"short", qos=1, pid=2))
    sc.send(0, unsubscribe(V5, 2, ["t"]) + PINGREQ + disconnect(V5, 0x04))
    seeds["raw_connect_limits"] = sc

    sc = Script()
    sc.send(0, connect(V31, "old") + subscribe(V311, 1, [("t", 2)]), kind=RAW)
    sc.send(1, connect(V311, "", clean=True) + publish(V311, "t", b"p", qos=2, pid=3), kind=RAW)
    sc.send(1, ack("pubrel", V311, 3) + disconnect(V311))
    seeds["v31_and_empty_client_id"] = sc

    sc = Script()
    sc.open(0, K5, 0).send(0, publish(V5, "a/+", b"bad") + PINGREQ)
    sc.open(1, K311, 1).send(1, b"\x30\xff\xff\xff\xff\x01")
    sc.open(2, K5, 2).send(2, connect(V5, "again"))
    sc.send(3, PINGREQ, kind=RAW)
    seeds["protocol_errors"] = sc

    sc = Script()
    whole = publish(V311, "split", b"0123456789", qos=1, pid=4)
    sc.open(0, K311, 0).send(0, subscribe(V311, 1, [("split", 1)]))
    for i in range(0, len(whole), 3):
        sc.send(0, whole[i:i + 3])
    seeds["partial_frames"] = sc

    return {name: bytes(script.data) for name, script in seeds.items()}


def write(target, seeds):
    out = HERE / "corpus" / target
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name, data in sorted(seeds.items()):
        (out / name).write_bytes(data)
    print(f"{target}: {len(seeds)} seeds, {sum(map(len, seeds.values()))} bytes")


if __name__ == "__main__":
    write("fuzz_decoder", decoder_seeds())
    write("fuzz_session", session_seeds())
