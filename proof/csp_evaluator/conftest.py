"""The suite's shared fixtures this proof needs: static files collected once, as the build does."""

from tests.support.fixtures import collected_static  # noqa: F401
