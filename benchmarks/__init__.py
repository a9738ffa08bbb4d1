"""Benchmarks (not tests): ``python -m benchmarks <name> [--quick] [--json PATH]``, or
``python -m benchmarks all`` / ``make bench`` for every one and a summary of issue 7's targets;
``python -m benchmarks`` lists them. Each prints minigrad against the same work written by hand
in NumPy (the floor), and against PyTorch and DeZero when they are installed (optional, never
required), as medians after warm-up with ratios measured in the same run.

| name     | file           | what                                                               |
|----------|----------------|--------------------------------------------------------------------|
| overhead | overhead.py    | µs per op: 1,000 elementwise ops on 16 numbers, forward + backward |
| mlp      | mlp_step.py    | one SGD step of a 784-256-256-10 MLP, batch 128 and 1024           |
| deep     | deep_graph.py  | 10,000 and 100,000 ops chained: time, peak memory, memory returned |
| memory   | memory.py      | RSS after 100 and 2,000 training steps of a small MLP (leaks)      |
| hvp      | hvp.py         | Hessian-vector product of sum(tanh(W x)) via create_graph=True     |

`timing.py` holds what they share: timing in turns with medians, optional imports, memory
readings, running a function in a fresh process, tables, the command line.
"""
