"""
Bastion's benchmark: its production stack measured beside plain Django and bare gunicorn.

`make bench` runs it (`python -m proof.bench`); docs/performance.md explains the numbers.
proof/harness starts its servers on the loopback interface.
"""
