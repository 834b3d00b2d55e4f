"""SafetyDesk: the safety and health management system of record for small manufacturers."""

import time as _time

__version__ = "0.1.0"
# When the process began loading SafetyDesk; the start-up probe measures from here.
STARTED = _time.perf_counter()
