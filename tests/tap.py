# tap.py: the "ok - ..." / "not ok - ..." lines tests/run.sh counts, for the Python test helpers.
import sys


class Tap:
    def __init__(self, prefix=""):
        self.prefix = prefix
        self.failures = 0

    def check(self, cond, what, detail=None):
        """Prints one result; on failure also what was found (when given)."""
        if cond:
            print("ok - " + self.prefix + what)
        else:
            self.failures += 1
            print("not ok - " + self.prefix + what)
            if detail is not None:
                print("#   got " + repr(detail)[:400])
        return bool(cond)

    def exit(self):
        sys.exit(1 if self.failures else 0)
