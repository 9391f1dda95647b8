"""Authenticates CONNECTs against the SQLite user table of user_db.py.

    [plugins.options]
    script = "examples/python_hooks/auth_sqlite.py"
    database = "/var/lib/starling/users.db"   # made with manage_users.py

The hook is `async def`: the broker gets STARLING_PENDING at once, and the
slow part (SQLite and PBKDF2) runs on a thread of the loop's executor, so
no broker thread waits for it. A client without a user name is left to
the listener's allow_anonymous rule.
"""
import asyncio

import starling
import user_db

DATABASE = starling.options.get("database", "users.db")
BAD_USER_NAME_OR_PASSWORD = 0x86


@starling.on_authenticate
async def authenticate(connect):
    if connect.username is None:
        return starling.NEXT
    loop = asyncio.get_running_loop()
    matches = await loop.run_in_executor(None, user_db.check, DATABASE, connect.username,
                                         connect.password or b"")
    return True if matches else starling.deny(BAD_USER_NAME_OR_PASSWORD)


starling.info(f"auth_sqlite: {len(user_db.usernames(DATABASE))} users in {DATABASE}")
