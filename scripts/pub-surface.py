#!/usr/bin/env python3
"""Count the engine's public surface as the console and the CLI see it.

Walks src/engine from its mod.rs through the modules declared `pub mod` (a module declared
only for tests or behind the `internals` feature is not reachable from the console) and counts
the `pub` items declared in them: functions and methods, types, traits, constants. Prints the
reachable modules and items, and the distinct engine paths src/tui and src/cli name.

    python3 scripts/pub-surface.py [SRC_DIR]
"""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "src"
ITEM = re.compile(r"^\s*pub\s+(?:async\s+|const\s+|unsafe\s+)*(fn|struct|enum|trait|type|const|static)\s")
MOD = re.compile(r"^\s*pub\s+mod\s+(\w+)\s*;")


def module_file(dir_, name):
    for p in (os.path.join(dir_, name + ".rs"), os.path.join(dir_, name, "mod.rs")):
        if os.path.exists(p):
            return p
    return None


def strip_tests(text):
    # drop `#[cfg(test)] mod x { ... }` bodies and everything after a test module header
    out, depth, skipping = [], 0, False
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("#[cfg(test)]"):
            # skip the next item (braced) entirely
            j = i + 1
            while j < len(lines) and lines[j].strip().startswith("#["):
                j += 1
            if j < len(lines) and lines[j].rstrip().endswith(";"):
                i = j + 1
                continue
            depth = 0
            while j < len(lines):
                depth += lines[j].count("{") - lines[j].count("}")
                j += 1
                if depth <= 0 and "{" in "".join(lines[i + 1 : j]):
                    break
            i = j
            continue
        out.append(line)
        i += 1
    return out


modules, items = 0, 0


def visit(path, dir_):
    global modules, items
    modules += 1
    lines = strip_tests(open(path).read())
    gated = False
    for line in lines:
        s = line.strip()
        if s.startswith("#[cfg(") and ("internals" in s or "test" in s):
            gated = True
            continue
        m = MOD.match(line)
        if m and not gated:
            f = module_file(dir_, m.group(1))
            if f:
                sub_dir = os.path.dirname(f) if f.endswith("mod.rs") else os.path.join(dir_, m.group(1))
                visit(f, sub_dir)
        elif ITEM.match(line) and not gated:
            items += 1
        if not s.startswith("#["):
            gated = False


visit(os.path.join(src, "engine", "mod.rs"), os.path.join(src, "engine"))
print(f"engine modules reachable by a pub path: {modules}")
print(f"pub items in them (functions and methods, types, traits, constants): {items}")
for client in ("tui", "cli"):
    paths = set()
    for root, _, files in os.walk(os.path.join(src, client)):
        for f in files:
            if f.endswith(".rs"):
                paths.update(re.findall(r"crate::engine::[a-z_]+(?:::[a-z_]+)*", open(os.path.join(root, f)).read()))
    print(f"distinct engine module paths named in src/{client}: {len(paths)}")
