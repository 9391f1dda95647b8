#!/usr/bin/python3
"""Manages the SQLite user table auth_sqlite.py checks.

    manage_users.py DATABASE add USER PASSWORD
    manage_users.py DATABASE delete USER
    manage_users.py DATABASE list
"""
import sys

import user_db


def main(argv):
    if len(argv) >= 3 and argv[2] == "add" and len(argv) == 5:
        user_db.set_password(argv[1], argv[3], argv[4].encode())
        return 0
    if len(argv) == 4 and argv[2] == "delete":
        if not user_db.delete_user(argv[1], argv[3]):
            print(f"no user {argv[3]!r}", file=sys.stderr)
            return 1
        return 0
    if len(argv) == 3 and argv[2] == "list":
        print("\n".join(user_db.usernames(argv[1])))
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
