#!/usr/bin/env python3
"""Tests natsfixture.py: the skip/fail decision without nats-server, and (when the
server is installed) that the context manager starts a reachable server holding the
partition mapping, passes the environment on, and removes its directory."""
import os
import socket
import subprocess
import sys
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import natsfixture  # noqa: E402


class WithoutServer(unittest.TestCase):
    def run_main(self, require):
        env = {"SESRULES_REQUIRE_NATS": "1"} if require else {}
        with mock.patch.object(natsfixture, "find_server", return_value=None), \
                mock.patch.dict(os.environ, env, clear=False):
            if not require:
                os.environ.pop("SESRULES_REQUIRE_NATS", None)
            return natsfixture.main(["--run", "true"])

    def test_skips_with_77(self):
        self.assertEqual(self.run_main(require=False), natsfixture.SKIP)

    def test_fails_when_required(self):
        self.assertEqual(self.run_main(require=True), 1)


@unittest.skipIf(natsfixture.find_server() is None, "nats-server not installed")
class WithServer(unittest.TestCase):
    def test_context_manager(self):
        with natsfixture.NatsServer(partitions=4) as server:
            tmpdir = server.tmpdir
            with open(os.path.join(tmpdir, "server.conf")) as f:
                self.assertIn("partition(4,1)", f.read())
            with socket.create_connection(("127.0.0.1", server.port), timeout=2) as sock:
                self.assertTrue(sock.recv(4096).startswith(b"INFO"))
            env = server.env()
            self.assertEqual(env["SESRULES_NATS_URL"], server.url)
            self.assertEqual(env["SESRULES_PARTITIONS"], "4")
            pid = server.process.pid
        self.assertFalse(os.path.exists(tmpdir))
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)

    def test_exit_code_propagates(self):
        code = subprocess.call([sys.executable, natsfixture.__file__, "--run", sys.executable, "-c",
                                "import os,sys; sys.exit(3 if os.environ['SESRULES_NATS_URL'] else 0)"])
        self.assertEqual(code, 3)


if __name__ == "__main__":
    unittest.main()
