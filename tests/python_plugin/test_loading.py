"""Loading hook scripts and shutting down: a broken script stops the broker
with Python's own message, and a running one never keeps it from stopping."""
import ast
import os
import unittest

from mqtt_clients import V5
from plugin_test_case import PluginTestCase, line_of

TYPE_ALIASES = {"F", "Payload", "Filters", "DecisionResult", "MessageResult"}


def stub_names():
    stub = os.path.join(os.environ["STARLING_SOURCE_DIR"], "plugins/python/starling.pyi")
    with open(stub) as f:
        tree = ast.parse(f.read())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets)
    return {name for name in names if not name.startswith("_")} - TYPE_ALIASES


class LoadingTest(PluginTestCase):
    def assert_refused(self, script, *expected, **settings):
        status, output = self.refused_start(script, **settings)
        self.assertIsNotNone(status, "the broker neither started nor exited:\n" + output)
        # 1 is the broker's own refusal; a crash or a sanitizer report is not.
        self.assertEqual(status, 1, output)
        self.assertNotIn("Sanitizer", output)
        for text in expected:
            self.assertIn(text, output)
        return output

    def test_a_syntax_error_stops_the_broker_naming_file_line_and_error(self):
        script = """
            import starling

            @starling.on_message
            def broken(message:
                return None
            """
        output = self.assert_refused(script, "SyntaxError", "cannot load")
        self.assertRegex(output, rf'hooks\.py", line {line_of(script, "def broken")}')

    def test_an_exception_while_the_script_loads_stops_the_broker_with_its_traceback(self):
        script = """
            import starling

            def connect_database():
                raise RuntimeError("the user database is missing")

            connect_database()
            """
        output = self.assert_refused(script, "RuntimeError: the user database is missing")
        self.assertRegex(output, rf'hooks\.py", line {line_of(script, "raise RuntimeError")}, '
                                 r"in connect_database")
        self.assertIn("init failed", output)

    def test_a_misused_decorator_stops_the_broker_saying_why(self):
        cases = {
            "cannot be async def": """
                import starling
                @starling.on_message
                async def wait(message):
                    pass
                """,
            "is registered already": """
                import starling
                @starling.on_authenticate
                def one(connect):
                    return True
                @starling.on_authenticate
                def two(connect):
                    return True
                """,
            "invalid topic filter 'a/#/b'": """
                import starling
                @starling.on_message(filter="a/#/b")
                def bad(message):
                    pass
                """,
            "takes no topic filter": """
                import starling
                starling._register("on_connected", print, ["a/#"], 0, False, "here")
                """,
        }
        for expected, script in cases.items():
            with self.subTest(expected):
                self.assert_refused(script, expected)

    def test_a_missing_script_stops_the_broker(self):
        self.assert_refused("", "No such file", plugin_options={"script": "/nonexistent/hooks.py"})

    def test_several_scripts_load_in_order_and_all_their_hooks_run(self):
        broker = self.start(
            """
            import starling
            ORDER = ["hooks.py"]
            """,
            files={
                "first.py": """
                    import starling
                    import hooks  # a script may import the modules beside it
                    hooks.ORDER.append("first.py")
                    @starling.on_message(filter="t/#")
                    def tag(message):
                        message.payload += b" first"
                    """,
                "second.py": """
                    import starling, hooks
                    hooks.ORDER.append("second.py")
                    starling.info("order: " + " ".join(hooks.ORDER))
                    @starling.on_message(filter="t/#")
                    def tag(message):
                        message.payload += b" second"
                    """,
            },
            plugin_options={"scripts": "{dir}/first.py, {dir}/second.py"})
        self.assertTrue(broker.log_has("order: hooks.py first.py second.py"), broker.output())
        subscriber = self.clients.connected("sub")
        subscriber.subscribe("t/#")
        self.clients.connected("pub").publish("t/1", b"x")
        self.assertEqual(subscriber.next_message().payload, b"x first second")

    def test_the_stub_names_every_public_name_of_the_module(self):
        broker = self.start("""
            import starling
            starling.info("names: " + " ".join(sorted(
                name for name in dir(starling) if not name.startswith("_"))))
            """)
        line = broker.wait_for_log("names: ")
        names = set(line.split("names: ", 1)[1].split())
        self.assertEqual(names, stub_names())

    def test_plugin_options_reach_the_script_as_starling_options(self):
        broker = self.start("""
            import starling
            starling.info("greeting is " + starling.options["greeting"])
            """, plugin_options={"greeting": "hello"})
        self.assertTrue(broker.log_has("greeting is hello"), broker.output())

    def test_a_hook_cannot_be_registered_once_the_scripts_have_loaded(self):
        broker = self.start("""
            import starling

            @starling.every(0.05)
            def late():
                try:
                    starling.on_connected(print)
                except RuntimeError as e:
                    starling.info(f"refused: {e}")
            """)
        self.assertIsNotNone(broker.wait_for_log("refused: hooks are registered while the "
                                                 "script loads"), broker.output())


class ShutdownTest(PluginTestCase):
    def test_the_broker_stops_cleanly_while_async_hooks_and_timers_wait(self):
        broker = self.start("""
            import asyncio
            import starling

            forever = None

            @starling.on_authenticate
            async def check(connect):
                global forever
                forever = forever or asyncio.Event()
                starling.info("an answer is pending")
                await forever.wait()

            @starling.every(0.05)
            async def slow():
                starling.info("a timer is waiting")
                await asyncio.sleep(3600)
            """, plugin_settings={"pending_timeout_ms": 60000})
        client = self.clients.make("waiting", V5)
        client.start_connect()
        self.assertIsNotNone(broker.wait_for_log("an answer is pending"))
        self.assertIsNotNone(broker.wait_for_log("a timer is waiting"))
        # PluginTestCase checks that it exits 0 on SIGTERM.


if __name__ == "__main__":
    unittest.main()
