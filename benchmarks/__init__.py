"""Benchmarks (not tests): ``python -m benchmarks <name>``; ``python -m benchmarks`` lists them.

| name | file          | what                                                                |
|------|---------------|---------------------------------------------------------------------|
| mlp  | mlp_step.py   | one SGD step of a 784-256-256-10 MLP: minigrad vs hand-written NumPy |
"""
