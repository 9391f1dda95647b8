#!/usr/bin/env python3
# Publishes COUNT QoS 1 messages (MQTT 3.1.1) to TOPIC with a window of
# in-flight messages and returns once every one is acknowledged.
#   bench/qos1_publish.py PORT TOPIC COUNT [WINDOW]   (default window 1000)
# Used by restart-time.sh instead of `mosquitto_pub -l`: with mosquitto_pub
# 2.0.11 only about a third of 100,000 lines ended up queued (the broker logs
# "connection lost" for it), with this publisher all of them.
import socket, struct, sys

def remaining(n):
    out = bytearray()
    while True:
        b = n % 128; n //= 128
        out.append(b | (0x80 if n else 0))
        if not n: return bytes(out)

def string(s):
    b = s.encode(); return struct.pack('>H', len(b)) + b

port, topic, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
window = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
sock = socket.create_connection(('127.0.0.1', port))
body = string('MQTT') + bytes([4, 0x02]) + struct.pack('>H', 60) + string('restart-pub')
sock.sendall(bytes([0x10]) + remaining(len(body)) + body)
buf = b''
def read_packets():
    global buf
    data = sock.recv(65536)
    if not data: sys.exit('connection closed by the broker')
    buf += data
    out = []
    while len(buf) >= 2:
        n, mul, i = 0, 1, 1
        while True:
            if i >= len(buf): return out
            b = buf[i]; n += (b & 127) * mul; mul *= 128; i += 1
            if not b & 128: break
        if len(buf) < i + n: break
        out.append((buf[0], buf[i:i + n])); buf = buf[i + n:]
    return out
while not any(t == 0x20 for t, _ in read_packets()): pass
sent = acked = 0
tb = string(topic)
while acked < count:
    chunk = []
    while sent < count and sent - acked < window:
        sent += 1
        pid = (sent - 1) % 65535 + 1
        payload = b'payload-of-a-queued-message-%d' % sent
        b = tb + struct.pack('>H', pid) + payload
        chunk.append(bytes([0x32]) + remaining(len(b)) + b)
    if chunk: sock.sendall(b''.join(chunk))
    for t, _ in read_packets():
        if t == 0x40: acked += 1
sock.sendall(b'\xe0\x00'); sock.close()
