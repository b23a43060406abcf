# attack: ignoring signals, stopping the zygote, alarms and SIGXCPU games
# expect: score=0
import os
import signal

for sig in (signal.SIGTERM, signal.SIGXCPU, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
    try:
        signal.signal(sig, signal.SIG_IGN)
    except (OSError, ValueError):
        pass
try:
    os.kill(os.getppid(), signal.SIGSTOP)
except OSError:
    pass
signal.alarm(1)
_export(False)
