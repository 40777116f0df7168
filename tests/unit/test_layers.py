"""The import layering of ARCHITECTURE.md ("Wiring"), checked over the source's AST.

Top to bottom: the entry point (`bot.cli`), the edges (`handlers`), the composition root (runtime,
web app), the domains, the core services, the ground. A module imports its own layer or lower, never
higher; no module-level import cycle anywhere; the core never imports a platform library; an import
inside a function says why on its line (`# why: ...`, or a `noqa`/`type: ignore` reason after `#`).
Imports under `if TYPE_CHECKING:` are annotations only and exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers")

# Longest prefix wins. The engine's and the advisories' commands live in bot/commands/ (easy to
# find, as ARCHITECTURE.md says) but belong to their domain's layer.
LAYER_OF_PREFIX = {
    "bot.cli": 6,
    "bot.__main__": 6,
    "handlers": 5,
    "bot.runtime": 4,
    "bot.web": 4,
    "bot.validate": 4,
    "bot.engine.cli": 4,
    "bot.simulate": 4,  # composes the engine and the alarm on a virtual clock
    "bot.bridge": 3,
    "bot.engine": 3,
    "bot.advisories": 3,
    "bot.board": 3,
    "bot.alarm": 3,
    "bot.record": 3,
    "bot.commands.incidents": 3,
    "bot.commands.advisory": 3,
    "bot.domain": 2,
    "bot.edges": 2,
    "bot.core": 2,
    "bot.rooms": 2,
    "bot.buttons": 2,
    "bot.commands": 2,
    "bot.delivery": 2,
    "bot": 1,  # the ground: config, store, model, clock, i18n, directory, yamlload, markup, ...
}
LAYER_NAMES = {6: "entry", 5: "edges", 4: "composition", 3: "domains", 2: "core services", 1: "ground"}
PLATFORM_LIBRARIES = ("slack_bolt", "slack_sdk", "telegram", "twilio")


def layer(module: str) -> int:
    best = max((p for p in LAYER_OF_PREFIX if module == p or module.startswith(p + ".")), key=len)
    return LAYER_OF_PREFIX[best]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


MODULES = source_modules()


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _in_function(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return True
    return False


def imports_of(module: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) for each import outside TYPE_CHECKING blocks."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or _under_type_checking(node, parents):
            continue
        inside = _in_function(node, parents)
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, inside) for alias in node.names]
            continue
        base = node.module or ""
        if node.level:  # relative (banned by ruff, resolved anyway)
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([base] if base else []))
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            found.append((sub if sub in MODULES else base, node.lineno, inside))
    return list(dict.fromkeys(found))


def internal_graph() -> dict[str, set[str]]:
    """Module-level imports between the project's own modules."""
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for target, _, inside in imports_of(module):
            if not inside and target in MODULES and target != module:
                graph[module].add(target)
    return graph


def test_no_module_imports_a_higher_layer():
    wrong = []
    for module in MODULES:
        for target, line, _ in imports_of(module):
            if target in MODULES and layer(target) > layer(module):
                wrong.append(
                    f"{MODULES[module].relative_to(ROOT)}:{line}: {module} ({LAYER_NAMES[layer(module)]}) "
                    f"imports {target} ({LAYER_NAMES[layer(target)]})"
                )
    assert not wrong, "\n".join(wrong)


def test_bot_imports_handlers_only_from_the_cli():
    wrong = [
        f"{module}:{line} imports {target}"
        for module in MODULES
        if module.startswith("bot") and module != "bot.cli"
        for target, line, _ in imports_of(module)
        if target == "handlers" or target.startswith("handlers.")
    ]
    assert not wrong, wrong


def test_the_core_imports_no_platform_library():
    wrong = [
        f"{module}:{line} imports {target}"
        for module in MODULES
        if module.startswith("bot")
        for target, line, _ in imports_of(module)
        if target.split(".")[0] in PLATFORM_LIBRARIES
    ]
    assert not wrong, wrong


def test_no_import_cycles():
    graph = internal_graph()
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not cycles, cycles


def test_imports_inside_functions_say_why():
    silent = []
    for module, path in MODULES.items():
        lines = path.read_text().splitlines()
        for _, line, inside in imports_of(module):
            if inside and "#" not in lines[line - 1]:
                silent.append(f"{path.relative_to(ROOT)}:{line}: {lines[line - 1].strip()}")
    assert not silent, "imports inside functions need a '# why' comment on their line:\n" + "\n".join(silent)


def test_the_checker_sees_a_violation():
    """The checks above are only worth something if they can fail: the AST pass finds this file's
    own imports, and a made-up upward import is classed as one."""
    assert layer("bot.delivery.deliver") < layer("bot.bridge.relay") < layer("bot.runtime") < layer("handlers.slack")
    assert layer("bot.config") == 1 and layer("bot.commands.basic") == 2 and layer("bot.commands.incidents") == 3
    assert ("bot.core", 5, False) in [(t, 5, i) for t, _, i in imports_of("bot.runtime")]


SHIMS: set[str] = set()  # old import paths kept while branches moved over (none left)


def test_tests_and_bench_import_the_test_kit_not_each_other():
    wrong = []
    for folder in ("tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            if rel in SHIMS:
                continue
            for node in ast.walk(ast.parse(path.read_text(), rel)):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                wrong += [f"{rel}:{node.lineno} imports {n}" for n in names if n == "tests" or n.startswith("tests.")]
    assert not wrong, "\n".join(wrong)


BUILDER = "testing/bot.py"  # the test kit's one bot builder (build_bot)


def runtime_build_calls(path: Path) -> list[int]:
    """Lines of `Runtime.build(...)` calls in a file."""
    tree = ast.parse(path.read_text(), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "build"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "Runtime"
    ]


def test_tests_and_bench_build_the_bot_only_through_the_test_kit():
    assert runtime_build_calls(ROOT / BUILDER), "the checker finds the builder's own call"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} calls Runtime.build (use testing.bot.build_bot)"
        for folder in ("tests", "bench", "testing")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if str(path.relative_to(ROOT)) != BUILDER
        for line in runtime_build_calls(path)
    ]
    assert not wrong, "\n".join(wrong)
