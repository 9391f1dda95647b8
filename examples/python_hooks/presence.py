"""Tracks who is connected: a retained presence/<client id> message that
says "online" after CONNACK and "offline" when the connection ends, so a
dashboard that subscribes to presence/# learns everyone's state at once.

    [plugins.options]
    script = "examples/python_hooks/presence.py"
    presence_prefix = "presence/"   # optional
"""
import starling

PREFIX = starling.options.get("presence_prefix", "presence/")


def announce(client, state):
    # A client id may hold characters a topic may not ('+', '#'): skip those.
    if "+" in client.client_id or "#" in client.client_id:
        return
    starling.publish(PREFIX + client.client_id, state, qos=1, retain=True)


@starling.on_connected
def online(client):
    announce(client, "online")


@starling.on_disconnected
def offline(client):
    announce(client, "offline")
