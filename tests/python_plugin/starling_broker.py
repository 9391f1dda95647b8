"""The real `starling` executable with the python plugin, for the tests.

    with StarlingBroker(script_text) as broker:
        ... clients against 127.0.0.1:broker.port ...

Each broker gets its own directory (config, hook script, data), listens on a
free loopback port (read from its "listening on" log line) and must exit 0
on SIGTERM: a crash, a hang or a sanitizer report at shutdown fails the test.
Paths come from the environment ctest sets: STARLING_BIN and
STARLING_PYTHON_PLUGIN.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import textwrap
import threading
import time

START_TIMEOUT = 30.0  # seconds; a sanitizer build starts CPython slowly
STOP_TIMEOUT = 30.0
WAIT = 10.0           # any one expected event


def binary():
    return os.environ["STARLING_BIN"]


def plugin_library():
    return os.environ["STARLING_PYTHON_PLUGIN"]


def toml_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class BrokerDidNotStart(Exception):
    def __init__(self, status, output):
        super().__init__(f"starling exited with {status} before listening:\n{output}")
        self.status = status
        self.output = output


class StarlingBroker:
    """A broker running one hook script: `script` is its source text, or
    None to run the existing file `script_file`."""

    def __init__(self, script, *, script_file=None, allow_anonymous=True, threads=2,
                 plugin_options=None, plugin_settings=None, files=None):
        self.dir = tempfile.mkdtemp(prefix="starling-python-")
        self.script_path = script_file or os.path.join(self.dir, "hooks.py")
        if script_file is None:
            with open(self.script_path, "w") as f:
                f.write(textwrap.dedent(script))
        for name, content in (files or {}).items():
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(textwrap.dedent(content))
        options = {"script": self.script_path}
        # "{dir}" in an option stands for the broker's own directory.
        options.update({key: value.replace("{dir}", self.dir)
                        for key, value in (plugin_options or {}).items()})
        self.config_path = os.path.join(self.dir, "starling.toml")
        with open(self.config_path, "w") as f:
            f.write(self.config(options, allow_anonymous, threads, plugin_settings or {}))
        self.port = None
        self.process = None
        self._lines = []
        self._changed = threading.Condition()
        self._reader = None

    def config(self, options, allow_anonymous, threads, plugin_settings):
        lines = [
            f"threads = {threads}",
            f"data_dir = {toml_string(os.path.join(self.dir, 'data'))}",
            "log_level = \"info\"",
            "[storage]",
            "durability = \"memory\"",
            "[[listeners]]",
            "bind = \"127.0.0.1:0\"",
            f"allow_anonymous = {'true' if allow_anonymous else 'false'}",
            "[[plugins]]",
            f"path = {toml_string(plugin_library())}",
        ]
        for key, value in plugin_settings.items():
            lines.append(f"{key} = {value}")
        lines.append("[plugins.options]")
        for key, value in options.items():
            lines.append(f"{key} = {toml_string(value)}")
        return "\n".join(lines) + "\n"

    # --- lifetime ------------------------------------------------------------

    def start(self):
        self.process = subprocess.Popen([binary(), "--config", self.config_path],
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        text=True, errors="replace")
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        line = self.wait_for_log(r"listening on tcp://127\.0\.0\.1:(\d+)", START_TIMEOUT,
                                 stop_on_exit=True)
        if line is None:
            status = self.process.wait(timeout=STOP_TIMEOUT)
            self._reader.join(timeout=5)
            raise BrokerDidNotStart(status, self.output())
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        return self

    def stop(self):
        """SIGTERM; returns the exit status (None if it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None
        finally:
            if self._reader:
                self._reader.join(timeout=5)

    def run_until_exit(self):
        """For a broker expected not to start: runs it, returns (status, output)."""
        self.process = subprocess.Popen([binary(), "--config", self.config_path],
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        text=True, errors="replace")
        try:
            _, output = self.process.communicate(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, output = self.process.communicate()
            return None, output
        return self.process.returncode, output

    def cleanup(self):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            if self._reader:
                self._reader.join(timeout=5)
            if self.process.stderr:
                self.process.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, *exc):
        self.stop()
        self.cleanup()
        return False

    # --- the log -------------------------------------------------------------

    def _read_log(self):
        for line in self.process.stderr:
            with self._changed:
                self._lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def output(self):
        with self._changed:
            return "\n".join(self._lines)

    def wait_for_log(self, pattern, timeout=WAIT, stop_on_exit=False):
        """The first log line matching `pattern` (a regex), waiting up to
        `timeout` seconds; None if none came."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self._lines:
                    if regex.search(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                if stop_on_exit and self.process.poll() is not None and not self._reader.is_alive():
                    return None
                self._changed.wait(min(left, 0.2))

    def log_has(self, pattern):
        regex = re.compile(pattern)
        with self._changed:
            return any(regex.search(line) for line in self._lines)
