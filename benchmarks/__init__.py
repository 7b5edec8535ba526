"""
Bastion's benchmark: its production stack measured beside plain Django and bare gunicorn.

`make bench` runs it (`python -m benchmarks`); docs/performance.md explains the numbers.
stack.py, which starts servers on the loopback interface, is shared with tests/reliability.
"""
