# tap.py: TAP output for the Python checks in tests/lib: an ok / not ok line with the detail indented under it, and the failures counted for the exit code.
failures = 0


def ok(cond, what, detail=""):
    """Prints "ok - what" or "not ok - what" and, on failure, up to 20 lines of detail as "#   " comments."""
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1
        for line in str(detail).splitlines()[:20]:
            print("#   " + line)


def exit_code():
    """1 when a check failed, else 0."""
    return 1 if failures else 0
