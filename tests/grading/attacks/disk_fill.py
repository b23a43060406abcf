# attack: filling the disk (big files) in every writable place
# expect: score=0
import os

_export(False)
chunk = b"x" * (1 << 20)
for base in ("/tmp", "/dev/shm", ".", "/var/tmp", "/"):
    for i in range(100):
        try:
            with open(os.path.join(base, f"fill{i}"), "wb") as fh:
                for _ in range(64):
                    fh.write(chunk)
        except OSError:
            break
