"""Starling, an MQTT 3.1.1/5.0 broker, embedded in a Python process.

    import starling
    with starling.Broker(listen=["127.0.0.1:0"]) as broker:
        broker.subscribe("sensors/#", lambda msg: print(msg.topic, msg.payload))
        broker.publish("cmd/pump", b"on", qos=1, retain=True)
        print(broker.port)

The broker runs on threads of its own and never holds the GIL while it
works. Subscription callbacks run one at a time on the module's dispatcher
thread (never on a broker thread), so a slow callback delays only the other
callbacks; see bindings/README.md for the queue between them.
"""
import atexit
import logging
import queue
import threading
import weakref

from . import _starling
from ._starling import Endpoint, Message, StarlingError

__all__ = ["Broker", "Endpoint", "Message", "MessageStream", "StarlingError", "Subscription"]
__version__ = _starling.__version__

_log = logging.getLogger("starling")
_running = weakref.WeakSet()  # brokers to stop when the interpreter exits


@atexit.register
def _stop_running_brokers():
    for broker in list(_running):
        broker.stop()


def _toml_key(key):
    if not isinstance(key, str):
        raise TypeError(f"config keys are str, not {type(key).__name__}")
    bare = key and all(c.isalnum() or c in "-_" for c in key)
    return key if bare else _toml_value(key)


def _toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = (value.replace("\\", "\\\\").replace('"', '\\"')
                   .replace("\n", "\\n").replace("\t", "\\t"))
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(f"a config value is a str, int, float, bool, list or dict, "
                    f"not {type(value).__name__}")


def _config_toml(config):
    """The TOML text of a config dict, laid out like docs/configuration.md."""
    if not isinstance(config, dict):
        raise TypeError("config is a path (str) or a dict")
    lines = []
    tables = []
    for key, value in config.items():
        if isinstance(value, dict):
            tables.append((key, value))
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
            tables.append((key, list(value)))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in tables:
        if isinstance(value, list):
            for entry in value:
                lines.append(f"[[{_toml_key(key)}]]")
                lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in entry.items())
        else:
            lines.append(f"[{_toml_key(key)}]")
            lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
    return "\n".join(lines) + "\n"


def _guarded(callback):
    """`callback`, with its exceptions logged (traceback included) instead of
    raised into the dispatcher."""
    def call(message):
        try:
            callback(message)
        except Exception:
            _log.exception("starling: the subscription callback %r raised", callback)
    return call


class Subscription:
    """An in-process subscription: ends with close() (or `with`), or when
    the broker stops. Messages already queued for its callback when it
    closes are not delivered."""

    def __init__(self, broker, filter):
        self._broker = broker
        self.filter = filter
        self._id = None

    @property
    def active(self):
        return self._id is not None and self._broker.running

    def close(self):
        """Ends the subscription; idempotent. When it returns, the callback
        is not called again (unless close runs inside a callback)."""
        if self._id is not None:
            self._broker._unsubscribe(self)

    unsubscribe = close

    def _closed(self):  # by the broker, on close or stop
        self._id = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        state = "active" if self.active else "closed"
        return f"<starling.Subscription {self.filter!r} {state}>"


_END = object()


class MessageStream(Subscription):
    """A subscription whose messages are read by iterating:

        for msg in broker.messages("sensors/#", timeout=5):
            ...

    Iteration ends when no message came for `timeout` seconds (None: wait
    forever), when the stream is closed, or when the broker stops. At most
    `maxsize` messages wait to be read; more are dropped and counted in
    `dropped`."""

    def __init__(self, broker, filter, timeout, maxsize):
        super().__init__(broker, filter)
        self.timeout = timeout
        self.dropped = 0
        self._queue = queue.Queue()
        self._maxsize = maxsize

    def _put(self, message):  # on the dispatcher thread
        if self._queue.qsize() >= self._maxsize:
            self.dropped += 1
        else:
            self._queue.put(message)

    def _closed(self):
        super()._closed()
        self._queue.put(_END)

    def get(self, timeout=None):
        """The next message, or None when `timeout` seconds passed or the
        stream has ended."""
        try:
            message = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if message is _END:
            self._queue.put(_END)  # every later read ends too
            return None
        return message

    def __iter__(self):
        return self

    def __next__(self):
        message = self.get(self.timeout)
        if message is None:
            raise StopIteration
        return message


class Broker:
    """An MQTT broker in this process.

    listen: addresses to listen on: "HOST:PORT" (port 0: a free one),
        "tcp://HOST:PORT", "ws://HOST:PORT/path" or "unix:PATH". Default: the
        config's listeners, else 127.0.0.1:1883.
    data_dir: where durable state goes. Default: "./data" with a config,
        otherwise nothing is stored (durability "memory").
    durability: "sync", "batched" or "memory" (docs/configuration.md).
    config: a TOML config file's path, or a dict of the same layout
        ({"mqtt": {"maximum_qos": 1}, "listeners": [{"bind": ...}]}); the
        keyword arguments above override it.
    threads: broker worker threads. Default: one per core.
    log_level: the broker's stderr log: "trace" ... "error", "off".
        Default: "warn" (the config's without a config).
    queue_size: messages that may wait for the subscription callbacks;
        when full, new messages are dropped and counted in `dropped`, and a
        warning is logged to the "starling" logger. Default: 10000.

    Bad arguments raise ValueError or TypeError at once; start() raises
    StarlingError when the broker cannot start (a port in use...).
    """

    def __init__(self, listen=None, data_dir=None, durability=None, config=None,
                 threads=None, log_level=None, queue_size=10000):
        settings = _starling._Settings()
        if isinstance(config, dict):
            settings.config_text = _config_toml(config)
        elif config is not None:
            settings.config_path = str(config)
        if isinstance(listen, str):
            listen = [listen]
        settings.listen = None if listen is None else [str(address) for address in listen]
        settings.data_dir = None if data_dir is None else str(data_dir)
        settings.durability = durability
        if threads is not None and threads < 0:
            raise ValueError("threads must be 0 (one per core) or more")
        settings.threads = threads
        settings.log_level = log_level
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        settings.queue_size = queue_size
        self._broker = _starling._Broker(settings)
        self._subscriptions = {}  # id -> Subscription
        self._lock = threading.Lock()

    # --- lifecycle ---
    def start(self):
        """Binds the listeners and starts the broker's threads."""
        self._broker.start()
        _running.add(self)
        return self

    def stop(self):
        """Stops the broker (clients get DISCONNECT, wills are sent), then
        delivers the messages already queued for the callbacks and ends the
        subscriptions. Idempotent. Not from inside a callback."""
        self._broker.stop()
        _running.discard(self)
        with self._lock:
            subscriptions, self._subscriptions = self._subscriptions, {}
        for subscription in subscriptions.values():
            subscription._closed()

    @property
    def running(self):
        return self._broker.running

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def endpoints(self):
        """The listeners bound, in order (the real ports, also for port 0)."""
        return self._broker.endpoints()

    @property
    def port(self):
        """The port of the first TCP listener (or the first with a port)."""
        endpoints = self._broker.endpoints()
        for endpoint in endpoints:
            if endpoint.type == "tcp":
                return endpoint.port
        for endpoint in endpoints:
            if endpoint.port:
                return endpoint.port
        raise StarlingError("the broker has no TCP listener")

    @property
    def dropped(self):
        """Messages dropped because the callback queue was full."""
        return self._broker.dropped

    # --- messages ---
    def publish(self, topic, payload=b"", qos=0, retain=False, *, content_type=None,
                response_topic=None, correlation_data=None, payload_format_indicator=None,
                message_expiry=None, user_properties=None):
        """Publishes as the broker to every matching subscriber. `payload`
        is bytes-like or str (UTF-8); retain=True with an empty payload
        clears the topic's retained message. The v5 properties reach v5
        subscribers; user_properties is a dict or a list of (name, value)
        pairs. ValueError for an invalid topic or property."""
        if isinstance(user_properties, dict):
            user_properties = list(user_properties.items())
        self._broker.publish(topic, payload, qos, retain, content_type, response_topic,
                             correlation_data, payload_format_indicator, message_expiry,
                             list(user_properties or []))

    def subscribe(self, filter, callback, *, send_retained=True, retain_as_published=False):
        """Calls callback(message) for every message whose topic matches
        `filter` (MQTT wildcards), on the dispatcher thread; first for the
        retained messages matching it (unless send_retained=False). An
        exception in the callback is logged to the "starling" logger and
        delivery goes on. Returns the Subscription."""
        if not callable(callback):
            raise TypeError("the callback is not callable")
        return self._subscribe(Subscription(self, filter), _guarded(callback), send_retained,
                               retain_as_published)

    def messages(self, filter, timeout=None, *, maxsize=10000, send_retained=True,
                 retain_as_published=False):
        """A MessageStream: the messages matching `filter`, by iterating."""
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        stream = MessageStream(self, filter, timeout, maxsize)
        return self._subscribe(stream, stream._put, send_retained, retain_as_published)

    def _subscribe(self, subscription, callback, send_retained, retain_as_published):
        with self._lock:
            subscription._id = self._broker.subscribe(subscription.filter, callback,
                                                      send_retained, retain_as_published)
            self._subscriptions[subscription._id] = subscription
        return subscription

    def _unsubscribe(self, subscription):
        with self._lock:
            if self._subscriptions.pop(subscription._id, None) is None:
                return
        self._broker.unsubscribe(subscription._id)
        subscription._closed()

    def __repr__(self):
        if not self.running:
            return "<starling.Broker stopped>"
        return f"<starling.Broker on {', '.join(f'{e.host}:{e.port}' for e in self.endpoints)}>"
