"""The production stack's fixtures, shared with tests/reliability (one harness)."""

from tests.reliability.conftest import (  # noqa: F401  (fixtures, found by name)
    database,
    migrated_database,
    module_stack,
    serve,
    static_files,
)
