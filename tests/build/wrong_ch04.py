"""Chapter 4 (the engine): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_COUNT = "the dependency count (with targets, also each node's parents)"
_HAND = "the hand-over of each gradient to its node"

_COUNT_HEAD = """\
deps = dict.fromkeys(roots, 0)
parents = {} if targets else None
stack = list(deps)
"""


WRONG = [
    # ------------------------------------------------------------------- chapter 4: the engine
    Version("a recursive walk", 4, "recursion limit", _COUNT, """\
deps = dict.fromkeys(roots, 0)
parents = {} if targets else None

def visit(node):
    for child, _ in node.next_functions:
        if child is not None:
            if parents is not None:
                parents.setdefault(child, []).append(node)
            if child in deps:
                deps[child] += 1
            else:
                deps[child] = 1
                visit(child)

for root in list(deps):
    visit(root)
"""),
    Version("no visited set: a node walked once per path", 4, "walked more than once", _COUNT,
          _COUNT_HEAD + """\
while stack:
    node = stack.pop()
    for child, _ in node.next_functions:
        if child is not None:
            deps[child] = deps.get(child, 0) + 1
            stack.append(child)
            if parents is not None:
                parents.setdefault(child, []).append(node)
"""),
    Version("counting parent nodes instead of edges", 4, "not every distinct parent node", _COUNT,
          _COUNT_HEAD + """\
while stack:
    node = stack.pop()
    children = []
    for child, _ in node.next_functions:
        if child is not None and child not in children:
            children.append(child)
    for child in children:
        if parents is not None:
            parents.setdefault(child, []).append(node)
        if child in deps:
            deps[child] += 1
        else:
            deps[child] = 1
            stack.append(child)
"""),
    Version("no parents with targets", 4, "`parents`", _COUNT, """\
deps = dict.fromkeys(roots, 0)
parents = None
stack = list(deps)
while stack:
    node = stack.pop()
    for child, _ in node.next_functions:
        if child is not None:
            n = deps.get(child)
            if n is None:
                deps[child] = 1
                stack.append(child)
            else:
                deps[child] = n + 1
"""),
    Version("ready nodes run oldest first (creation order)", 4, "most recently created runs first",
          _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, nr, g)
        deps[child] = waiting - 1
        if waiting == 1:
            heappush(heap, (child._seq, child))
"""),
    Version("a node pushed on the heap at every arrival, before it is ready", 4,
          "only when its count reaches 0", _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, nr, g)
        deps[child] = waiting - 1
        heappush(heap, (-child._seq, child))
"""),
    Version("ready one arrival too early (count reaching 1)", 4, "received 0 gradients", _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, nr, g)
        deps[child] = waiting - 1
        if deps[child] == 1:
            heappush(heap, (-child._seq, child))
"""),
    Version("the edge's output number ignored", 4, "the output its edge names", _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, 0, g)
        deps[child] = waiting - 1
        if waiting == 1:
            heappush(heap, (-child._seq, child))
"""),
]

RIGHT = [
    Version("counting in two passes, breadth first", 4, "", _COUNT, """\
from collections import deque
seen = set(roots)
queue = deque(seen)
order = []
while queue:
    node = queue.popleft()
    order.append(node)
    for child, _ in node.next_functions:
        if child is not None and child not in seen:
            seen.add(child)
            queue.append(child)
deps = {node: 0 for node in order}
parents = {node: [] for node in order}
for node in order:
    for child, _ in node.next_functions:
        if child is not None:
            deps[child] += 1
            parents[child].append(node)
"""),
    Version("the hand-over with continue", 4, "", _HAND, """\
for i, (child, nr) in enumerate(node.next_functions):
    if child is None or child not in deps:
        continue
    _add_to_buffer(buffers, child, nr, out_grads[i])
    deps[child] -= 1
    if deps[child] == 0:
        heappush(heap, (-child._seq, child))
"""),
]
