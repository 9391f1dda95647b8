#!/usr/bin/python3
"""An online/offline roster from Starling's presence events.

Subscribes to $SYS/clients/+/+ and prints who is connected whenever that
changes. The retained $SYS/clients/<id>/connected messages give the clients
online when the roster starts; the live events keep it current. Needs
python3-paho-mqtt (1.x or 2.x).

    ./roster.py [--host 127.0.0.1] [--port 1883] [--once SECONDS]
"""
import argparse
import json
import sys
import time
import urllib.parse

import paho.mqtt.client as mqtt


def client_id_of(topic):
    # $SYS/clients/<escaped id>/<event>: the id is %-escaped like a URL segment.
    return urllib.parse.unquote(topic.split("/")[2])


class Roster:
    def __init__(self):
        self.online = {}  # client id -> the connected event

    def on_event(self, topic, payload):
        parts = topic.split("/")
        if len(parts) != 4 or not payload:
            # An empty retained "connected": cleared; the matching
            # "disconnected" event says who and why.
            return False
        event = json.loads(payload)
        client_id = client_id_of(topic)
        if parts[3] == "connected":
            self.online[client_id] = event
            return True
        if parts[3] == "disconnected":
            current = self.online.get(client_id)
            # After a takeover the old connection's event may come after the
            # new one's connect: only the same connection goes offline.
            if current and current.get("connection") == event.get("connection"):
                del self.online[client_id]
                print(f"- {client_id} went offline ({event['reason']})")
                return True
        return False

    def show(self):
        print(f"online ({len(self.online)}):")
        for client_id, event in sorted(self.online.items()):
            user = event.get("username") or "-"
            print(f"  {client_id:30} user={user:12} from {event['address']:22} "
                  f"since {event['timestamp']}")
        sys.stdout.flush()


def make_client():
    # paho-mqtt 2.x wants the callback API version; 1.x has no such argument.
    if hasattr(mqtt, "CallbackAPIVersion"):
        return mqtt.Client(mqtt.CallbackAPIVersion.VERSION1, client_id="", clean_session=True)
    return mqtt.Client(client_id="", clean_session=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--once", type=float, metavar="SECONDS",
                        help="print the roster after SECONDS and exit")
    args = parser.parse_args()

    roster = Roster()
    client = make_client()
    client.on_connect = lambda c, userdata, flags, rc: c.subscribe("$SYS/clients/+/+", qos=1)

    def on_message(c, userdata, message):
        if roster.on_event(message.topic, message.payload.decode("utf-8")) and not args.once:
            roster.show()

    client.on_message = on_message
    client.connect(args.host, args.port, keepalive=30)
    if args.once:
        client.loop_start()
        time.sleep(args.once)
        client.loop_stop()
        roster.show()
        return
    client.loop_forever()


if __name__ == "__main__":
    main()
