#!/usr/bin/env python3
"""Fails when two source files of the workspace import each other, directly or around a loop.

Each `use crate::…` and `super::…` path is resolved to the file that defines the module it names
(the longest prefix that is a file); a parent's `mod child;` declarations are not imports. A loop
means two modules lean on each other, which is what the per-area layout forbids: shared helpers
are imported one way only (docs/architecture.md).
"""

import os
import re
import sys

CRATES = ["domain", "service", "app", "server"]
PATH = re.compile(r"(?:\buse\s+|[^\w:])((?:crate|super)(?:::\w+)+)")


def module_of(src, path):
    parts = os.path.relpath(path, src)[:-3].split(os.sep)
    return parts[:-1] if parts[-1] in ("mod", "lib", "main") else parts


def file_of(src, parts):
    for n in range(len(parts), 0, -1):
        base = os.path.join(src, *parts[:n])
        for candidate in (base + ".rs", os.path.join(base, "mod.rs")):
            if os.path.exists(candidate):
                return candidate
    return None


def imports(src, path):
    text = open(path, encoding="utf-8").read()
    here = module_of(src, path)
    is_module_root = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
    found = set()
    for match in PATH.finditer(text):
        segments = match.group(1).split("::")
        if segments[0] == "crate":
            parts = segments[1:]
        else:
            parent = here if is_module_root else here[:-1]
            rest = segments[1:]
            while rest and rest[0] == "super":
                parent, rest = parent[:-1], rest[1:]
            parts = parent + rest
        target = file_of(src, parts)
        if target and os.path.abspath(target) != os.path.abspath(path):
            found.add(target)
    return found


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    graph = {}
    for crate in CRATES:
        src = os.path.join(root, crate, "src")
        for directory, _, files in os.walk(src):
            for name in files:
                if name.endswith(".rs"):
                    path = os.path.join(directory, name)
                    graph[path] = imports(src, path)
    loops = set()
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for target in graph.get(node, ()):
            if state.get(target) == "open":
                loop = stack[stack.index(target):]
                loops.add(" -> ".join(os.path.relpath(p, root) for p in loop + [target]))
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [])
    for loop in sorted(loops):
        print(f"import loop: {loop}", file=sys.stderr)
    if loops:
        return 1
    print(f"no import loops among {len(graph)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
