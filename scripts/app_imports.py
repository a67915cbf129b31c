"""Imports between the product's apps, and import cycles between its files.

    python scripts/app_imports.py            # summary
    python scripts/app_imports.py --list     # every import between apps, deferred ones marked

An import "between apps" is one whose module belongs to another top-level app of the
product than the file it is written in. It is "deferred" when it sits inside a function
or method (the usual way to dodge an import loop) instead of at module level.
Cycles are found over all product files (module-level and deferred imports alike).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "registry",
    "whistleblower",
    "complaints",
    "inspections",
    "violations",
    "review",
    "api",
    "config",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_files():
    for app in APPS:
        base = ROOT / app
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def imports_of(path: Path, modules: set[str]):
    """Yield (target module, line, deferred) for each import in the file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]

    def resolve(node):
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        targets = []
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            targets.append(candidate if candidate in modules else base)
        return targets

    def walk(node, deferred):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in resolve(child):
                    yield target, child.lineno, deferred
            inner = deferred or isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            yield from walk(child, inner)

    yield from walk(tree, False)


def main(argv):
    files = list(product_files())
    modules = {module_name(p) for p in files}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    between = []
    for path in files:
        own = module_name(path)
        for target, line, deferred in imports_of(path, modules):
            # Map "pkg.mod.name" down to the longest product module it names.
            mod = target
            while mod and mod not in modules:
                mod = mod.rpartition(".")[0]
            if not mod:
                continue
            if mod != own:
                graph[own].add(mod)
            if mod.split(".")[0] != own.split(".")[0]:
                between.append((own, mod, line, deferred))

    # One import statement counts once, however many names it takes.
    statements = {}
    for own, mod, line, is_deferred in between:
        statements.setdefault((own, line), (own, mod, line, is_deferred))
    between = list(statements.values())
    deferred = [b for b in between if b[3]]
    if "--list" in argv:
        for own, mod, line, is_deferred in between:
            print(f"{'deferred ' if is_deferred else '         '}{own}:{line} -> {mod}")
    share = 100 * len(deferred) / len(between) if between else 0
    print(
        f"import statements between apps: {len(between)}, "
        f"inside functions: {len(deferred)} ({share:.1f} %)"
    )

    # Tarjan's strongly connected components: a component of more than one file is a cycle.
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def connect(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in index:
            connect(node)
    print(f"import cycles between files: {len(cycles)}")
    for cycle in cycles:
        print("  " + " <-> ".join(cycle))
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
