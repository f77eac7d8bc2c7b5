"""pytest's importlib mode names these test modules `gateway.tests...` and, to do so, makes the
repository's gateway/ folder a stand-in `gateway` namespace module, which would hide the real
package (gateway/gateway/). Put the real package back before any test imports it."""
import importlib
import sys

_stand_in = sys.modules.get("gateway")
if _stand_in is not None and getattr(_stand_in, "__file__", None) is None:
    del sys.modules["gateway"]
importlib.import_module("gateway")
