# attack: reading other files of the host (project tree, secrets, home directories)
# expect: score=0
import glob
import os

def attack():
    probes = ["/work", "/home", "/etc/shadow", "/etc/passwd", "/var", "/srv", "/root/.ssh",
              "/root/.bash_history", "/sys/class", "/boot"]
    for path in probes:
        if os.path.exists(path):
            return True
    for pattern in ["/root/*", "/root/.*", "/usr/local/*", "/opt/*/*"]:
        for path in glob.glob(pattern):
            if path.startswith(("/root/.pyenv", "/opt/microcred", "/usr/local/")):
                continue
            return True
    return False

_export(attack())
