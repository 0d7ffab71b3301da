#!/usr/bin/env python3
"""The module graph of every crate, drawn from the code, must have no circles.

A circle between two files means neither can be read, tested or changed alone: the engine calls
the inbox which calls back into the engine. This check draws one arrow per reference from a file
to another file of the same crate (`use` lines and inline `crate::` / `super::` paths), then
reports every strongly connected set of files.

Two kinds of reference are not arrows:
- a folder's `mod.rs` declaring its children and re-exporting their items (`mod claim;`,
  `pub use claim::Claimed;`): that is the folder's front door, not a dependency;
- a reference through a parent's re-export resolves to the file that defines the item, when the
  parent re-exports it by name from a child.

Tests inside a file (`#[cfg(test)] mod tests`) are left out: a test may reach anywhere.

Usage: tests/module_graph.py [--dot] [CRATE...]   (exit 1 when a circle is found)
CRATE is one of the names in CRATES (all of them when none is given).
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = {
    "meschain": "src",
    "meschain-engine": "engine/src",
    "trendyol-wire": "wire/src",
    "trendyol-sandbox": "sandbox/src",
}


def module_path(src, path):
    """`engine/src/queue/claim.rs` -> ('queue', 'claim'); `queue/mod.rs` -> ('queue',)."""
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def strip(code):
    """Drops comments, string contents and `#[cfg(test)]` modules."""
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    code = re.sub(r"//[^\n]*", "", code)
    code = re.sub(r'"(?:\\.|[^"\\])*"', '""', code)
    cut = re.search(r"#\[cfg\(test\)\]\s*(pub\s+)?mod\s+\w+\s*\{", code)
    if cut:
        code = code[: cut.start()]
    return code


def expand_use(tree):
    """`a::{b, c::{d, self}}` -> ['a::b', 'a::c::d', 'a::c']."""
    tree = re.sub(r"\s+", "", tree)
    brace = tree.find("{")
    if brace < 0:
        return [re.sub(r"as\w+$", "", tree.split(" as ")[0])] if tree else []
    prefix, inner = tree[:brace], tree[brace + 1 : tree.rfind("}")]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    out = []
    for part in filter(None, parts):
        for sub in expand_use(part):
            out.append(prefix.rstrip(":") if sub == "self" else prefix + sub)
    return out


class Crate:
    def __init__(self, name, src):
        self.name, self.src = name, os.path.join(ROOT, src)  # an absolute src stays as it is
        self.files = {}  # module path -> (file, stripped code)
        for dirpath, _, names in os.walk(self.src):
            for n in names:
                p = os.path.join(dirpath, n)
                # Binaries under src/bin are crates of their own.
                if n.endswith(".rs") and not os.path.relpath(p, self.src).startswith("bin" + os.sep):
                    with open(p, encoding="utf-8") as f:
                        self.files[module_path(self.src, p)] = (p, strip(f.read()))
        self.reexports = {m: self._reexports(code) for m, (_, code) in self.files.items()}

    def _reexports(self, code):
        """Item name -> child module, for `pub use child::Item` lines of a folder's front door."""
        out = {}
        for m in re.finditer(r"pub(?:\([^)]*\))?\s+use\s+([^;]+);", code):
            for full in expand_use(m.group(1)):
                segs = [s for s in full.split("::") if s not in ("self",)]
                if len(segs) >= 2 and segs[0] not in ("crate", "super", "std", "core"):
                    out[segs[-1]] = segs[0]
        return out

    def absolute(self, here, path):
        segs = path.split("::")
        if segs[0] == "crate":
            base, segs = [], segs[1:]
        elif segs[0] == "super":
            base = list(here)
            while segs and segs[0] == "super":
                base, segs = base[:-1], segs[1:]
        elif segs[0] == "self":
            base, segs = list(here), segs[1:]
        elif (*here, segs[0]) in self.files:
            base = list(here)  # `use child::x` inside a folder's mod.rs
        else:
            return None
        return base + segs

    def resolve(self, here, path):
        full = self.absolute(here, path)
        if full is None:
            return None
        for n in range(len(full), -1, -1):
            mod = tuple(full[:n])
            if mod in self.files:
                rest = full[n:]
                # Through a folder's re-export to the child that defines the item.
                while rest and rest[0] in self.reexports.get(mod, {}):
                    child = (*mod, self.reexports[mod][rest[0]])
                    if child not in self.files or child == mod:
                        break
                    mod, rest = child, rest[1:]
                return mod
        return None

    def edges(self):
        graph = {m: set() for m in self.files}
        for here, (_, code) in self.files.items():
            refs = []
            for m in re.finditer(r"(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", code):
                for full in expand_use(m.group(2)):
                    target = self.resolve(here, full)
                    front_door = m.group(1) and target and target[: len(here)] == here
                    if not front_door:
                        refs.append(target)
            body = re.sub(r"(pub(?:\([^)]*\))?\s+)?use\s+[^;]+;", "", code)
            for m in re.finditer(r"\b((?:crate|super)(?:::\w+)+)", body):
                refs.append(self.resolve(here, m.group(1)))
            for target in refs:
                # A file reaching its own ancestors' front door is not an arrow back to its children.
                if target is None or target == here:
                    continue
                graph[here].add(target)
        return graph


def circles(graph):
    """Tarjan's strongly connected components with more than one file."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def name(mod):
    return "::".join(mod) or "(root)"


def self_test():
    """The check must find a planted circle and must not count a folder's front door as one."""
    import tempfile

    files = {
        "lib.rs": "mod a;\nmod b;\nmod q;\n",
        "a.rs": "use crate::b::Beta;\npub struct Alpha;\n",
        "b.rs": "pub struct Beta;\nfn f() -> crate::a::Alpha { crate::a::Alpha }\n",
        "q/mod.rs": "mod claim;\npub use claim::Claimed;\npub const TABLE: &str = \"\";\n",
        "q/claim.rs": "use super::TABLE;\npub struct Claimed;\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(text)
        found = circles(Crate("planted", root).edges())
    expected = [[("a",), ("b",)]]
    if found != expected:
        print(f"self-test failed: expected {expected}, found {found}")
        return False
    return True


def main():
    if not self_test():
        return 3
    wanted = [a for a in sys.argv[1:] if not a.startswith("--")]
    unknown = [w for w in wanted if w not in CRATES]
    if unknown:
        print(f"unknown crate(s) {unknown}; known: {list(CRATES)}", file=sys.stderr)
        return 2
    checked = {n: s for n, s in CRATES.items() if not wanted or n in wanted}
    found = 0
    for crate_name, src in checked.items():
        crate = Crate(crate_name, src)
        graph = crate.edges()
        for comp in circles(graph):
            found += 1
            members = set(comp)
            print(f"circle in {crate_name}: " + ", ".join(name(m) for m in comp))
            for m in comp:
                for t in sorted(graph[m] & members):
                    print(f"    {name(m)} -> {name(t)}")
        if "--dot" in sys.argv:
            for m, ts in sorted(graph.items()):
                for t in sorted(ts):
                    print(f'  "{crate_name}:{name(m)}" -> "{crate_name}:{name(t)}";')
    if found:
        print(f"{found} circle(s): break each with a one-way seam (see tests/module_graph.py)")
        return 1
    print("module graph: no circles in " + ", ".join(checked))
    return 0


if __name__ == "__main__":
    sys.exit(main())
