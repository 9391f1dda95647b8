"""Hooks for the Starling MQTT broker, written in Python.

A script registers functions with the decorators below; the broker calls
them from its worker threads (with the GIL held for the call only), or, for
``async def`` hooks, on an asyncio event loop on the plugin's own thread.
See plugins/python/README.md and starling.pyi for the whole API.

The classes, verdicts and host functions (Client, Message, ALLOW, publish,
log, ...) come from the plugin's C++ half of this module; this file adds the
decorators, the log helpers and the private glue the plugin drives.
"""
import asyncio as _asyncio
import inspect as _inspect
import os as _os
import sys as _sys
import traceback as _traceback
import types as _types

DROP = DENY  # noqa: F821 (defined by the C++ half): on_message's name for it


# --- decorators ---------------------------------------------------------------

def _where(function):
    code = getattr(function, "__code__", None)
    name = getattr(function, "__qualname__", repr(function))
    if code is None:
        return name
    return f"{_os.path.basename(code.co_filename)}:{code.co_firstlineno} {name}"


def _is_async(function):
    return _inspect.iscoroutinefunction(function)


def _filters(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    filters = list(value)
    if not all(isinstance(f, str) for f in filters):
        raise TypeError("filter must be a str or a list of str")
    return filters


def _check_callable(decorator, function):
    if not callable(function):
        raise TypeError(f"@starling.{decorator} decorates a function, got {function!r}")


def _plain_hook(kind):
    def decorator(function):
        _check_callable(kind, function)
        _register(kind, function, [], 0, _is_async(function), _where(function))  # noqa: F821
        return function
    decorator.__name__ = kind
    return decorator


def _topic_hook(kind):
    def decorator(function=None, *, filter=None):
        if isinstance(function, (str, list, tuple)):  # @on_message("a/#")
            function, filter = None, function
        filters = _filters(filter)

        def register(f):
            _check_callable(kind, f)
            _register(kind, f, filters, 0, _is_async(f), _where(f))  # noqa: F821
            return f
        return register if function is None else register(function)
    decorator.__name__ = kind
    return decorator


on_authenticate = _plain_hook("on_authenticate")
on_authorize_subscribe = _plain_hook("on_authorize_subscribe")
on_connected = _plain_hook("on_connected")
on_disconnected = _plain_hook("on_disconnected")
on_message_dropped = _plain_hook("on_message_dropped")
on_authorize_publish = _topic_hook("on_authorize_publish")
on_deliver = _topic_hook("on_deliver")
on_message = _topic_hook("on_message")


def every(seconds):
    """Calls the decorated function every `seconds` (at least 0.001)."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError("every(seconds) takes a number of seconds")
    interval_ms = round(seconds * 1000)
    if interval_ms < 1 or interval_ms > 0xFFFFFFFF:
        raise ValueError(f"every({seconds!r}): the interval must be from 0.001 s to 49 days")

    def register(function):
        _check_callable("every", function)
        _register("every", function, [], interval_ms, _is_async(function),  # noqa: F821
                  _where(function))
        return function
    return register


# --- logging --------------------------------------------------------------------

def debug(text):
    """Logs `text` at debug level through the broker's log."""
    log(DEBUG, str(text))  # noqa: F821


def info(text):
    """Logs `text` at info level through the broker's log."""
    log(INFO, str(text))  # noqa: F821


def warning(text):
    """Logs `text` at warning level through the broker's log."""
    log(WARN, str(text))  # noqa: F821


def error(text):
    """Logs `text` at error level through the broker's log."""
    log(ERROR, str(text))  # noqa: F821


# --- driven by the plugin (not API) -------------------------------------------

_loop = None
_tasks = set()  # asyncio keeps only weak references to tasks


_script_modules = {}  # module name -> the module object of the last load


def _load_scripts(paths):
    """Runs the hook scripts in order, each as a fresh module (a reload
    starts from an empty namespace); returns None, or (path, error text)
    for the first that failed, with sys.modules then as it was."""
    saved = {}
    for path in paths:
        name = _os.path.splitext(_os.path.basename(path))[0]
        if name not in saved:
            saved[name] = (_sys.modules.get(name), _script_modules.get(name))
        failure = _load_script(path, name)
        if failure is not None:
            for name, (module, script) in saved.items():
                if _sys.modules.get(name) is not module:
                    if module is None:
                        _sys.modules.pop(name, None)
                    else:
                        _sys.modules[name] = module
                if script is None:
                    _script_modules.pop(name, None)
                else:
                    _script_modules[name] = script
            return path, failure
    return None


def _load_script(path, name):
    """Runs one hook script as a module; returns None, or the error text."""
    try:
        with open(path, "rb") as source:
            code = compile(source.read(), path, "exec")
        directory = _os.path.dirname(_os.path.abspath(path))
        if directory not in _sys.path:
            _sys.path.insert(0, directory)  # a script may import modules beside it
        module = _types.ModuleType(name)
        module.__file__ = path
        # Replaces the script's module of an earlier load, never a module
        # of the same name imported otherwise (a script named json.py).
        if _sys.modules.get(name) is _script_modules.get(name):
            _sys.modules[name] = module
            _script_modules[name] = module
        exec(code, module.__dict__)
    except BaseException as failure:  # noqa: B902: SystemExit too must not end the broker
        # This function's own frame is noise to the script's author.
        trace = failure.__traceback__.tb_next if failure.__traceback__ else None
        return "".join(_traceback.format_exception(type(failure), failure, trace)).rstrip()
    return None


def _start_loop(fd, drain):
    global _loop
    _loop = _asyncio.new_event_loop()
    _asyncio.set_event_loop(_loop)
    _loop.add_reader(fd, drain)


def _run_loop():
    _loop.run_forever()


def _stop_loop():
    _loop.stop()


def _close_loop():
    global _loop
    tasks = _asyncio.all_tasks(_loop)
    for task in tasks:
        task.cancel()
    if tasks:
        _loop.run_until_complete(_asyncio.gather(*tasks, return_exceptions=True))
    _loop.run_until_complete(_loop.shutdown_asyncgens())
    _loop.run_until_complete(_loop.shutdown_default_executor())
    _loop.close()
    _loop = None


def _spawn(awaitable, done):
    task = _asyncio.ensure_future(awaitable, loop=_loop)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    task.add_done_callback(done)
