# attack: a hand-made protocol frame with absurdly nested JSON, to crash the judge's parser
# expect: score=0
import os
import struct

body = ("[" * 200000 + "]" * 200000).encode()
frame = struct.pack("!II", len(body), 0) + body
for fd in range(3, 64):
    try:
        os.write(fd, frame)
    except OSError:
        pass
_export(False)
