#!/usr/bin/env python3
"""Bytes the console writes to the terminal while idle.

Usage: scripts/idle_bytes.py BINARY WORKSPACE [SECONDS]
Starts the console in a pseudo-terminal (120x40), waits for the first frame to settle, then
counts the bytes written during SECONDS (default 60) with no input, and quits with q.
"""
import os, pty, select, struct, sys, time, fcntl, termios

binary, workspace = sys.argv[1], sys.argv[2]
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"
    os.execv(binary, [binary, "--workspace", workspace, "console"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))

def drain(duration):
    total, end = 0, time.time() + duration
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                total += len(os.read(fd, 65536))
            except OSError:
                break
    return total

first = drain(3.0)
idle = drain(seconds)
os.write(fd, b"q")
drain(1.0)
os.waitpid(pid, 0)
print(f"first frame(s): {first} bytes; idle for {seconds:.0f} s: {idle} bytes")
