# attack: detecting the grader and looking for a way to read its expectations
# expect: score=0
import os

def attack():
    # Reading the sandbox runtime is allowed (it is public code); expectations are not in it.
    try:
        text = open("/opt/microcred/runtime.py").read()
    except OSError:
        text = ""
    return "expected" in text and "reference" in os.environ.get("MICROCRED_SECRET", "")

_export(attack())
