from tests.kernel.conftest import things_runtime

__all__ = ["things_runtime"]
