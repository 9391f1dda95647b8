"""The user table behind auth_sqlite.py: user name, salt and PBKDF2-SHA256
hash in SQLite. Standard library only, so manage_users.py (outside the
broker) and the hook script (inside it) share it."""
import contextlib
import hashlib
import hmac
import os
import sqlite3

ITERATIONS = 100_000

_SCHEMA = """CREATE TABLE IF NOT EXISTS users (
    username   TEXT PRIMARY KEY,
    salt       BLOB NOT NULL,
    hash       BLOB NOT NULL,
    iterations INTEGER NOT NULL)"""


def _hash(password, salt, iterations):
    return hashlib.pbkdf2_hmac("sha256", password, salt, iterations)


@contextlib.contextmanager
def _database(path):
    """A connection for one transaction (committed unless it raised), then closed."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(_SCHEMA)
            yield connection
    finally:
        connection.close()


def set_password(path, username, password):
    """Adds `username` or changes its password (`password`: bytes)."""
    salt = os.urandom(16)
    with _database(path) as db:
        db.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)",
                   (username, salt, _hash(password, salt, ITERATIONS), ITERATIONS))


def delete_user(path, username):
    with _database(path) as db:
        return db.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount > 0


def usernames(path):
    with _database(path) as db:
        return [row[0] for row in db.execute("SELECT username FROM users ORDER BY username")]


def check(path, username, password):
    """True when `password` (bytes) is `username`'s. Slow on purpose (PBKDF2):
    call it off the broker's threads. An unknown user costs as much as a
    known one, so timing does not tell which names exist."""
    with _database(path) as db:
        row = db.execute("SELECT salt, hash, iterations FROM users WHERE username = ?",
                         (username,)).fetchone()
    salt, expected, iterations = row if row else (b"\0" * 16, b"", ITERATIONS)
    return hmac.compare_digest(_hash(password, salt, iterations), expected) and row is not None
