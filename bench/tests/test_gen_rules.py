"""Tests of bench/gen_rules.py: count, determinism, shape; compiles them when sesrules can.

Run: python3 -m unittest discover -s bench/tests
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

kBench = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, kBench)

from gen_rules import generate  # noqa: E402


class GeneratedRules(unittest.TestCase):
    def test_count_names_and_determinism(self):
        for count in (1, 7, 1000):
            with self.subTest(count=count):
                text = generate(count, 7)
                names = re.findall(r"^alert (generated_\d{4}) \{$", text, re.M)
                self.assertEqual(len(names), count)
                self.assertEqual(len(set(names)), count)
                self.assertEqual(text, generate(count, 7))
                self.assertTrue(text.startswith("package bench.generated\n"))
        self.assertNotEqual(generate(50, 7), generate(50, 8))

    def test_every_rule_is_indexable_by_source_and_name(self):
        blocks = generate(200, 7).split("\nalert ")[1:]
        for block in blocks:
            with self.subTest(rule=block.split(" ", 1)[0]):
                self.assertIn('input.eventSource == "', block)
                self.assertIn('input.eventName == "', block)
                self.assertEqual(block.count("{"), block.count("}"))

    def test_one_rule_baseline(self):
        text = generate(0, 7, one=True)
        self.assertEqual(text.count("\nalert "), 1)
        self.assertIn('startswith(input.userIdentity.accessKeyId, "AKIA")', text)

    def test_rules_compile_when_sesrules_is_built(self):
        binary = os.environ.get("SESRULES", os.path.join(kBench, "..", "build", "cli", "sesrules"))
        help_text = subprocess.run([binary, "lint", "--help"], capture_output=True, text=True) \
            if os.access(binary, os.X_OK) else None
        if help_text is None or "lint" not in help_text.stdout + help_text.stderr:
            self.skipTest("sesrules lint not available yet")
        with tempfile.NamedTemporaryFile("w", suffix=".rules", delete=False) as handle:
            handle.write(generate(1000, 7))
        try:
            linted = subprocess.run([binary, "lint", handle.name], capture_output=True, text=True)
            self.assertEqual(linted.returncode, 0, linted.stdout + linted.stderr)
        finally:
            os.unlink(handle.name)


if __name__ == "__main__":
    unittest.main()
