#!/usr/bin/env python3
"""A throwaway nats-server for tests: loopback, a free port, a temporary JetStream
store and a config holding the ct.in -> ct.p partition mapping.

As a command (ctest):
    natsfixture.py [--partitions N] --run CMD ARGS...
starts the server, runs CMD with SESRULES_NATS_URL and SESRULES_PARTITIONS exported,
stops the server by its PID, removes the temporary directory and exits with CMD's
exit code. Without nats-server it exits 77 (ctest SKIP) unless SESRULES_REQUIRE_NATS=1,
which makes it fail instead (CI must not skip silently).

As a module (end-to-end tests):
    with NatsServer(partitions=8) as server:
        env = server.env()   # os.environ plus the two variables
        server.url
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77


def find_server():
    return shutil.which("nats-server") or next(
        (p for p in ("/usr/sbin/nats-server", "/usr/bin/nats-server") if os.access(p, os.X_OK)), None)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def mapping_config(partitions):
    # Must equal distributed/partitioning.cc server_mapping_config().
    return ('mappings = {\n  "ct.in.*.*": "ct.p.{{partition(%d,1)}}.{{wildcard(1)}}.{{wildcard(2)}}"\n}\n'
            % partitions)


class NatsServer:
    def __init__(self, partitions=8, binary=None, ready_timeout=10.0):
        self.partitions = partitions
        self.binary = binary or find_server()
        self.ready_timeout = ready_timeout
        self.tmpdir = None
        self.process = None
        self.port = None

    @property
    def url(self):
        return "nats://127.0.0.1:%d" % self.port

    def env(self):
        env = dict(os.environ)
        env["SESRULES_NATS_URL"] = self.url
        env["SESRULES_PARTITIONS"] = str(self.partitions)
        return env

    def start(self):
        if not self.binary:
            raise FileNotFoundError("nats-server not found (Debian: apt-get install nats-server)")
        self.tmpdir = tempfile.mkdtemp(prefix="sesrules-nats-")
        self.port = free_port()
        config = os.path.join(self.tmpdir, "server.conf")
        with open(config, "w") as out:
            out.write("listen: 127.0.0.1:%d\n" % self.port)
            # Checkpoints (reorder buffer + per-key state) can outgrow the 1 MB default.
            out.write("max_payload: 8MB\n")
            out.write('jetstream { store_dir: "%s" }\n' % os.path.join(self.tmpdir, "js"))
            out.write(mapping_config(self.partitions))
        self.log = open(os.path.join(self.tmpdir, "server.log"), "w")
        self.process = subprocess.Popen([self.binary, "-c", config], stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("nats-server exited with %d:\n%s" % (self.process.returncode, self.log_text()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(4096).startswith(b"INFO"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nats-server not ready on port %d after %.0fs" % (self.port, self.ready_timeout))

    def log_text(self):
        try:
            with open(os.path.join(self.tmpdir, "server.log")) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if getattr(self, "log", None):
            self.log.close()
            self.log = None
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--run", nargs=argparse.REMAINDER, required=True, help="command and its arguments")
    args = parser.parse_args(argv)
    if not args.run:
        parser.error("--run needs a command")
    if find_server() is None:
        if os.environ.get("SESRULES_REQUIRE_NATS") == "1":
            print("natsfixture: nats-server not found and SESRULES_REQUIRE_NATS=1", file=sys.stderr)
            return 1
        print("natsfixture: nats-server not found: skipping", file=sys.stderr)
        return SKIP
    with NatsServer(partitions=args.partitions) as server:
        code = subprocess.call(args.run, env=server.env())
        if code != 0:
            sys.stderr.write("natsfixture: server log tail:\n" + server.log_text() + "\n")
        return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
