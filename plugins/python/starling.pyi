"""Type stubs for `starling`, the module hook scripts import inside the
broker (libstarling_python.so defines it; it is not on PyPI and cannot be
imported outside the broker). See README.md for when each hook runs.

Decision hooks answer with a verdict:
    None or NEXT   no opinion: the next plugin decides
    True or ALLOW  allowed (later plugins are not asked)
    False or DENY  refused with the hook's default reason code
    deny(code, reason)  refused with that MQTT reason code (and v5 reason string)
"""
from typing import Awaitable, Callable, Iterable, Optional, TypeVar, Union, overload

F = TypeVar("F", bound=Callable[..., object])
Payload = Union[bytes, bytearray, memoryview, str]
Filters = Union[str, Iterable[str]]

# --- what hooks receive ---------------------------------------------------------

class Client:
    """The client a hook is about. Read-only."""
    client_id: str
    username: Optional[str]
    peer: str              # "tcp://127.0.0.1:50312"
    protocol_version: int  # 3 (3.1), 4 (3.1.1) or 5
    listener: str          # the listener's bind, "0.0.0.0:1883"
    certificate_subject: str      # TLS client certificate, "CN=dev1,O=Acme"; "" without one
    certificate_common_name: str  # its CN; "" without one

class Connect(Client):
    """A CONNECT to authenticate (on_authenticate)."""
    password: Optional[bytes]
    clean_start: bool
    keep_alive: int        # seconds

class Connection(Client):
    """A client that connected (on_connected) or whose connection ended (on_disconnected)."""
    session_present: bool  # on_connected: an existing session was resumed
    reason: Optional[str]  # on_disconnected: "normal", "lost" or "broker"; None in on_connected

class Message:
    """A PUBLISH. In on_message, assigning a field changes the message."""
    client: Optional[Client]  # the publisher (on_deliver: the subscriber); None if you made it
    topic: str
    payload: bytes            # assign bytes-like or str (stored as UTF-8)
    qos: int                  # 0, 1 or 2
    retain: bool
    def __init__(self, topic: str, payload: Payload = b"", qos: int = 0,
                 retain: bool = False) -> None: ...

class Subscription:
    """One filter of a SUBSCRIBE. Read-only."""
    client: Client
    filter: str            # as sent, "$share/group/..." included
    qos: int

class Drop:
    """A message the broker dropped. Read-only."""
    reason: str            # "queue_full", "evicted", "slow_consumer", "expired",
                           # "no_subscribers", "denied" or "too_large"
    client_id: str         # the subscriber it was meant for, or the publisher
    topic: str             # empty for "evicted"
    payload_size: int
    qos: int
    count: int             # messages this event stands for

# --- verdicts ---------------------------------------------------------------------

class Verdict:
    decision: str          # "allow", "deny" or "next"
    reason_code: int       # with deny: the MQTT reason code, 0 for the hook's default
    reason: Optional[str]  # with deny: a v5 reason string (not sent for async answers)

ALLOW: Verdict
DENY: Verdict
NEXT: Verdict
DROP: Verdict  # DENY, as on_message spells it

def deny(reason_code: int = 0, reason: Optional[str] = None) -> Verdict:
    """DENY with an MQTT reason code (0x80..0xFF, or 0 for the hook's default)."""

DecisionResult = Union[None, bool, Verdict]
MessageResult = Union[None, bool, Verdict, Message, dict]

# --- registering hooks (only while the script loads) -----------------------------

def on_authenticate(function: Callable[[Connect], Union[DecisionResult, Awaitable[DecisionResult]]]) -> F:
    """Decides each CONNECT. May be `async def`. Default deny reason: 0x87 (v5) / 5 (v3)."""

def on_authorize_subscribe(function: Callable[[Subscription], Union[DecisionResult, Awaitable[DecisionResult]]]) -> F:
    """Decides each filter of each SUBSCRIBE. May be `async def`."""

@overload
def on_authorize_publish(function: F) -> F: ...
@overload
def on_authorize_publish(function: None = None, *, filter: Optional[Filters] = None) -> Callable[[F], F]: ...
def on_authorize_publish(function=None, *, filter=None):
    """Decides each PUBLISH from a client (msg: Message), before on_message. May be `async def`."""

@overload
def on_deliver(function: F) -> F: ...
@overload
def on_deliver(function: None = None, *, filter: Optional[Filters] = None) -> Callable[[F], F]: ...
def on_deliver(function=None, *, filter=None):
    """Decides whether a message goes to one subscriber (msg.client). Must answer at once."""

@overload
def on_message(function: F) -> F: ...
@overload
def on_message(function: None = None, *, filter: Optional[Filters] = None) -> Callable[[F], F]: ...
def on_message(function=None, *, filter=None):
    """Sees each accepted PUBLISH before routing; returns a MessageResult. Several may be
    registered: they run in order, each seeing the message as the last left it."""

def on_connected(function: Callable[[Connection], object]) -> F:
    """After CONNACK was sent. Several may be registered."""

def on_disconnected(function: Callable[[Connection], object]) -> F:
    """When a connected client's connection ended. Several may be registered."""

def on_message_dropped(function: Callable[[Drop], object]) -> F:
    """When the broker drops a message. Several may be registered; keep them cheap."""

def every(seconds: float) -> Callable[[F], F]:
    """Calls the function (no arguments; may be `async def`) every `seconds`, on the
    plugin's Python thread. A run still going when the next is due skips that one."""

# --- the broker's services (any hook, any time) ------------------------------------

TRACE: int
DEBUG: int
INFO: int
WARN: int
ERROR: int

def log(level: int, text: str) -> None:
    """Writes a line to the broker's log at `level` (TRACE..ERROR)."""
def debug(text: object) -> None: ...
def info(text: object) -> None: ...
def warning(text: object) -> None: ...
def error(text: object) -> None: ...

def publish(topic: str, payload: Payload = b"", qos: int = 0, retain: bool = False) -> None:
    """Publishes as the broker to every matching subscriber. With retain=True it sets
    (or, with an empty payload, clears) the retained message. Raises ValueError when
    the broker refuses (an invalid topic)."""

def disconnect(client_id: str, send_will: bool = False) -> bool:
    """Disconnects a client (v5 reason 0x98). False when it is not connected."""

options: dict[str, str]
"""The plugin's [plugins.options] from the broker's config, as text (script included)."""
