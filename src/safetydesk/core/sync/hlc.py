"""Hybrid logical clock as SYNC.md §4 writes it: ``<ms:15>.<counter:6>.<device>``, compared as text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class HybridClock:
    device_id: str
    wall_ms: int = 0
    counter: int = 0

    def tick(self, now_ms: int) -> str:
        if now_ms > self.wall_ms:
            self.wall_ms, self.counter = now_ms, 0
        else:
            self.counter += 1
        return self.render()

    def observe(self, remote: str, now_ms: int) -> None:
        """Advance past a timestamp seen from another device."""
        r_ms, r_counter = parse(remote)
        top = max(self.wall_ms, r_ms, now_ms)
        if top == self.wall_ms == r_ms:
            self.counter = max(self.counter, r_counter) + 1
        elif top == self.wall_ms:
            self.counter += 1
        elif top == r_ms:
            self.counter = r_counter + 1
        else:
            self.counter = 0
        self.wall_ms = top

    def render(self) -> str:
        return f"{self.wall_ms:015d}.{self.counter:06d}.{self.device_id}"

    def state(self) -> str:
        return f"{self.wall_ms}:{self.counter}"

    @classmethod
    def restore(cls, device_id: str, state: str | None) -> HybridClock:
        if not state:
            return cls(device_id)
        ms, counter = state.split(":")
        return cls(device_id, int(ms), int(counter))


def parse(value: str) -> tuple[int, int]:
    ms, counter, _device = value.split(".", 2)
    return int(ms), int(counter)
